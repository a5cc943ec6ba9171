/**
 * The 3x5x2 grading of an intelligence record (SOP 10.4; College of Policing Intelligence
 * Management APP): source evaluation, intelligence assessment and handling code. SOP 6.3: shared
 * material carries clear handling instructions, so code C needs its conditions written down.
 * Pure and zod-free, so pages, the API schema and the service can all use it.
 */
import type { FieldError } from '../errors.js';

export const SOURCE_EVALUATIONS = ['A', 'B', 'C'] as const;
export type SourceEvaluation = (typeof SOURCE_EVALUATIONS)[number];
export const INTELLIGENCE_ASSESSMENTS = [1, 2, 3, 4, 5] as const;
export type IntelligenceAssessment = (typeof INTELLIGENCE_ASSESSMENTS)[number];
export const HANDLING_CODES = ['P', 'C'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

export const SOURCE_EVALUATION_LABELS: Record<SourceEvaluation, string> = {
  A: 'Always reliable',
  B: 'Mostly reliable',
  C: 'Not reliable',
};
export const INTELLIGENCE_ASSESSMENT_LABELS: Record<IntelligenceAssessment, string> = {
  1: 'Known to be true without reservation',
  2: 'Known personally to the source but not to the officer',
  3: 'Not personally known to the source but corroborated',
  4: 'Cannot be judged',
  5: 'Suspected to be false or malicious',
};
export const HANDLING_CODE_LABELS: Record<HandlingCode, string> = {
  P: 'Lawful sharing permitted',
  C: 'Lawful sharing permitted subject to conditions',
};

export type IntelligenceGrading =
  | { sourceEvaluation: SourceEvaluation; intelligenceAssessment: IntelligenceAssessment; handlingCode: 'P' }
  | { sourceEvaluation: SourceEvaluation; intelligenceAssessment: IntelligenceAssessment; handlingCode: 'C'; handlingConditions: string };

const MAX_HANDLING_CONDITIONS = 2000;

const oneOf = <T>(values: readonly T[], v: unknown): v is T => values.includes(v as T);

/**
 * Checks a grading as sent by a form (strings) or JSON (the assessment may be a number). Field
 * paths are those of the input; `prefix` places them inside a larger body (e.g. `grading.`).
 * Conditions sent with code P are dropped (a form may keep a hidden conditional field's text).
 */
export function validateGrading(
  input: unknown,
  prefix = '',
): { ok: true; grading: IntelligenceGrading } | { ok: false; errors: FieldError[] } {
  const v = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const sourceEvaluation = typeof v.sourceEvaluation === 'string' ? v.sourceEvaluation.trim().toUpperCase() : v.sourceEvaluation;
  if (!oneOf(SOURCE_EVALUATIONS, sourceEvaluation))
    errors.push({ path: `${prefix}sourceEvaluation`, message: 'Select the source evaluation: A, B or C' });
  const raw = v.intelligenceAssessment;
  const intelligenceAssessment = typeof raw === 'string' && /^\s*\d\s*$/.test(raw) ? Number(raw) : raw;
  if (!oneOf(INTELLIGENCE_ASSESSMENTS, intelligenceAssessment)) {
    errors.push({ path: `${prefix}intelligenceAssessment`, message: 'Select the intelligence assessment: 1 to 5' });
  }
  const handlingCode = typeof v.handlingCode === 'string' ? v.handlingCode.trim().toUpperCase() : v.handlingCode;
  const conditions = typeof v.handlingConditions === 'string' ? v.handlingConditions.trim() : '';
  if (!oneOf(HANDLING_CODES, handlingCode)) errors.push({ path: `${prefix}handlingCode`, message: 'Select the handling code: P or C' });
  else if (handlingCode === 'C') {
    // SOP 6.3: clear handling instructions with what is shared.
    if (!conditions) errors.push({ path: `${prefix}handlingConditions`, message: 'Enter the handling conditions for handling code C' });
    else if (conditions.length > MAX_HANDLING_CONDITIONS) {
      errors.push({
        path: `${prefix}handlingConditions`,
        message: `Handling conditions must be ${MAX_HANDLING_CONDITIONS} characters or fewer`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const base = {
    sourceEvaluation: sourceEvaluation as SourceEvaluation,
    intelligenceAssessment: intelligenceAssessment as IntelligenceAssessment,
  };
  return {
    ok: true,
    grading: handlingCode === 'C' ? { ...base, handlingCode: 'C', handlingConditions: conditions } : { ...base, handlingCode: 'P' },
  };
}

/** The grade as officers write it, e.g. "B2P". */
/**
 * The Government Security Classifications marking printed on the intelligence record. The SOP
 * itself is marked Official; the record is sensitive material the unit shares only with law
 * enforcement, with handling instructions (SOP 6.3), hence the SENSITIVE handling caveat.
 */
export const PROTECTIVE_MARKING = 'OFFICIAL-SENSITIVE';

export const gradeCode = (g: IntelligenceGrading) => `${g.sourceEvaluation}${g.intelligenceAssessment}${g.handlingCode}`;

/** Each part of the grade with its meaning, for the printable record. */
export function describeGrading(g: IntelligenceGrading): {
  code: string;
  sourceEvaluation: string;
  intelligenceAssessment: string;
  handling: string;
} {
  return {
    code: gradeCode(g),
    sourceEvaluation: `${g.sourceEvaluation}: ${SOURCE_EVALUATION_LABELS[g.sourceEvaluation]}`,
    intelligenceAssessment: `${g.intelligenceAssessment}: ${INTELLIGENCE_ASSESSMENT_LABELS[g.intelligenceAssessment]}`,
    handling: `${g.handlingCode}: ${HANDLING_CODE_LABELS[g.handlingCode]}${g.handlingCode === 'C' ? ` (${g.handlingConditions})` : ''}`,
  };
}
