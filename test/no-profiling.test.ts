import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

/**
 * Issue 15 point 6, DESIGN.md "No profiling, provably": no column anywhere holds a score, rank or risk
 * about a person, and no query joins subjects across referrals except the subject access search and the
 * facts the reports count. Both tests read what is really there (the migrated database's columns; the
 * source's every reference to the subjects table), so a new column or a new query fails them until it
 * is reasoned about here.
 */

/** A column name that suggests a judgement of someone: a score, rank, risk, rating, priority, threat or likelihood. */
const PROFILING = /score|rank|risk|rating|priority|propensity|likelihood|threat|danger|suspicion|vulnerab|profile/i;

/** Columns whose names match, each with why it is about no person. */
const ALLOWED_COLUMNS: Record<string, string> = {
  // An audio fingerprint match (issue 13, decision 018): how alike two recordings are, about a recording.
  'capture_matches.score': 'similarity of two audio fingerprints: about a recording, not a person',
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('no column holds a score, rank or risk about a person', () => {
  it('finds none in any table or view of the migrated database, beyond the reasoned exceptions', async () => {
    const { rows } = await t.db.execute<{ table_name: string; column_name: string }>(
      sql`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2`,
    );
    const columns = rows.map((r) => `${r.table_name}.${r.column_name}`);
    // The database really was read: the subjects table and the facts views are there.
    expect(columns).toEqual(expect.arrayContaining(['subjects.age_band', 'subjects.ethnicity', 'live_subject_facts.age_band']));
    const suspicious = columns.filter((c) => PROFILING.test(c.split('.')[1]!));
    expect(suspicious.filter((c) => !(c in ALLOWED_COLUMNS))).toEqual([]);
    // Every exception still exists: a stale one would hide a new column of the same name.
    expect(Object.keys(ALLOWED_COLUMNS).filter((c) => !columns.includes(c))).toEqual([]);
  });

  it('would catch one', () => {
    for (const name of ['risk_score', 'gang_rank', 'threat_level', 'priority', 'vulnerability', 'offender_profile'])
      expect(PROFILING.test(name), name).toBe(true);
    for (const name of ['age_band', 'ethnicity', 'status', 'outcome', 'intelligence_assessment'])
      expect(PROFILING.test(name), name).toBe(false);
  });
});

/** Every source file that may touch the subjects table, and why it cannot join them across referrals. */
const ALLOWED_FILES: Record<string, string> = {
  'src/modules/referrals/referrals.repository.ts': 'writes a referral’s subjects at intake and reads them by that referral’s id',
  'src/modules/review/review.repository.ts': 'reads one referral’s subjects by its id for the personal-data check of its drafts (SOP 6.4)',
};
// The facts the reports count (live_subject_facts, decision 021) are a view in drizzle/0011: it joins each
// subject to its own referral only, and the reports read it through src/db/schema/data-protection.ts.
/** The one search across referrals the issue allows (issue 15 point 6): the auditor's subject access search. */
const SEARCH_ACROSS: Record<string, string> = {
  'src/modules/subject-access/subject-access.repository.ts':
    'DPA 2018 s.45: the auditor searches every referral for the person who asked, and picks what relates to them (decision 024)',
};

const SRC = path.resolve(import.meta.dirname, '../src');
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Does this source reach the subjects table: the drizzle table imported, through a schema namespace, or in raw SQL? */
function touchesSubjects(source: string): boolean {
  return (
    /import\s*(type\s*)?\{[^}]*\bsubjects\b[^}]*\}\s*from\s*'[^']*db\/schema[^']*'/.test(source) ||
    /\b(schema|query)\.subjects\b/.test(source) ||
    /\b(FROM|JOIN|from|join)\s+"?subjects"?\s/.test(source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))
  );
}

describe('no query joins subjects across referrals', () => {
  const files = sourceFiles(SRC)
    .filter((f) => !f.startsWith(path.join(SRC, 'db/schema')))
    .map((f) => ({ file: path.relative(path.resolve(SRC, '..'), f), source: fs.readFileSync(f, 'utf8') }));

  it('finds the subjects table only in the files that read a referral’s own subjects', () => {
    const touching = files.filter((f) => touchesSubjects(f.source)).map((f) => f.file);
    expect(touching.sort()).toEqual([...Object.keys(ALLOWED_FILES), ...Object.keys(SEARCH_ACROSS)].sort());
  });

  it('reads subjects in those files only by their referral, and never joins them', () => {
    for (const { file, source } of files.filter((f) => f.file in ALLOWED_FILES)) {
      expect(source, file).not.toMatch(/[jJ]oin\(\s*subjects\b/);
      for (const m of source.matchAll(/\.from\(subjects\)/g))
        expect(source.slice(m.index, m.index + 200), `${file}: a read of subjects not by its referral`).toMatch(
          /eq\(subjects\.referralId,/,
        );
    }
  });

  it('would catch a new query', () => {
    expect(touchesSubjects("import { referrals, subjects } from '../../db/schema/index.js';")).toBe(true);
    expect(touchesSubjects('const rows = await db.execute(sql`SELECT name FROM subjects WHERE name = ${x}`);')).toBe(true);
    expect(touchesSubjects('db.query.subjects.findMany()')).toBe(true);
    expect(touchesSubjects("import { referrals } from '../../db/schema/index.js';\n// the referral's subjects count")).toBe(false);
  });
});
