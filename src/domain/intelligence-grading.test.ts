import { describe, expect, it } from 'vitest';
import { describeGrading, gradeCode, validateGrading } from './intelligence-grading.js';

describe('intelligence grading 3x5x2 (SOP 10.4)', () => {
  it('accepts a P grading from JSON or from a form, and drops conditions sent with P', () => {
    const want = { ok: true, grading: { sourceEvaluation: 'B', intelligenceAssessment: 2, handlingCode: 'P' } };
    expect(validateGrading({ sourceEvaluation: 'B', intelligenceAssessment: 2, handlingCode: 'P' })).toEqual(want);
    expect(
      validateGrading({ sourceEvaluation: 'b', intelligenceAssessment: '2', handlingCode: 'p', handlingConditions: 'left over' }),
    ).toEqual(want);
  });

  it('requires handling conditions with code C (SOP 6.3), and keeps them trimmed', () => {
    expect(validateGrading({ sourceEvaluation: 'A', intelligenceAssessment: 1, handlingCode: 'C', handlingConditions: '  ' })).toEqual({
      ok: false,
      errors: [{ path: 'handlingConditions', message: 'Enter the handling conditions for handling code C' }],
    });
    const ok = validateGrading({
      sourceEvaluation: 'A',
      intelligenceAssessment: 1,
      handlingCode: 'C',
      handlingConditions: ' Not for onward sharing ',
    });
    expect(ok.ok && ok.grading).toEqual({
      sourceEvaluation: 'A',
      intelligenceAssessment: 1,
      handlingCode: 'C',
      handlingConditions: 'Not for onward sharing',
    });
  });

  it('names every field that is missing or out of range, under a prefix', () => {
    const r = validateGrading({ sourceEvaluation: 'D', intelligenceAssessment: 6, handlingCode: 'X' }, 'grading.');
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual([
      'grading.sourceEvaluation',
      'grading.intelligenceAssessment',
      'grading.handlingCode',
    ]);
    const empty = validateGrading(undefined);
    expect(empty.ok ? 0 : empty.errors.length).toBe(3);
    expect(validateGrading({ sourceEvaluation: 'A', intelligenceAssessment: '1.5', handlingCode: 'P' }).ok).toBe(false);
  });

  it('shows the grade and what each part means', () => {
    const g = { sourceEvaluation: 'C', intelligenceAssessment: 5, handlingCode: 'C', handlingConditions: 'Police use only' } as const;
    expect(gradeCode(g)).toBe('C5C');
    expect(describeGrading(g)).toEqual({
      code: 'C5C',
      sourceEvaluation: 'C: Not reliable',
      intelligenceAssessment: '5: Suspected to be false or malicious',
      handling: 'C: Lawful sharing permitted subject to conditions (Police use only)',
    });
    expect(describeGrading({ sourceEvaluation: 'A', intelligenceAssessment: 3, handlingCode: 'P' }).handling).toBe(
      'P: Lawful sharing permitted',
    );
  });
});
