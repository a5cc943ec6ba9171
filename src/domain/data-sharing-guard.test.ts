import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLeaks, type PersonalData } from './data-sharing-guard.js';

const personal: PersonalData = {
  subjectNames: ['John Smith', 'Aisha Bello-Okafor', 'Zoë Brennan', 'J Li'],
  handles: ['@j_smith', 'drillking99'],
  datesOfBirth: ['2008-03-14'],
  incidentReferences: ['CAD 1234/22Nov', '4512345-22', 'CRIS 0123456/25'],
};

const matches = (draft: string, kind?: string) =>
  findLeaks(draft, personal)
    .filter((l) => !kind || l.kind === kind)
    .map((l) => l.match);

describe('data-sharing guard (SOP 6.4: only what the content itself shows goes to a platform)', () => {
  it('passes a clean draft', () => {
    const draft = `Dear Trust & Safety team,

We refer the video "Opp Block Pt 2" (https://youtu.be/dQw4w9WgXcQ), uploaded on 2 May 2025. It shows
three masked males brandishing a machete and naming a rival group, and breaches your policy on
violent threats (clause 3.1). The artist account is public. Reference on our side: OHRT-2026-000123.`;
    expect(findLeaks(draft, personal)).toEqual([]);
  });

  describe('subject names', () => {
    it('catches a name whatever its case', () => {
      expect(matches('Featuring john smith and JOHN SMITH and John Smith.', 'subject_name')).toEqual([
        'john smith',
        'JOHN SMITH',
        'John Smith',
      ]);
    });

    it('catches a name split by odd spacing, line breaks, hyphens, dots or underscores', () => {
      expect(matches('Shows John  Smith, then JOHN\nSMITH, then john-smith, john.smith and john_smith', 'subject_name')).toEqual([
        'John  Smith',
        'JOHN\nSMITH',
        'john-smith',
        'john.smith',
        'john_smith',
      ]);
      expect(matches('a tag #JohnSmith', 'subject_name')).toEqual(['JohnSmith']);
    });

    it('catches a name written surname first ("Smith, John")', () => {
      expect(matches('Subject: Smith, John (pictured)', 'subject_name')).toEqual(['Smith, John']);
    });

    it('catches surname first as records write it ("SMITH John", "Smith, John Paul"), not two mentions in a row', () => {
      const p: PersonalData = { subjectNames: ['John Paul Smith'], datesOfBirth: [], incidentReferences: [] };
      const found = (draft: string) => findLeaks(draft, p).map((l) => l.match);
      expect(found('SMITH John was seen')).toEqual(['SMITH John']);
      expect(found('SMITH, JOHN PAUL was seen')).toEqual(['SMITH, JOHN PAUL']);
      expect(found('Smith, John')).toEqual(['Smith, John']);
      expect(found('John Smith, John Paul Smith')).toEqual(['John Smith', 'John Paul Smith']);
      expect(found('Agent Smith John Wick')).toEqual([]);
    });

    it('catches hyphenated surnames and names without their accents', () => {
      expect(matches('aisha bello okafor / Zoe Brennan / ZOË BRENNAN', 'subject_name')).toEqual([
        'aisha bello okafor',
        'Zoe Brennan',
        'ZOË BRENNAN',
      ]);
    });

    it('does not flag a common part of a name alone, a single letter, or a name inside a longer word; a title and surname is a name', () => {
      expect(matches('Mr Smith said john is a common name; J. Li is not "JLiang"; smithfield market', 'subject_name')).toEqual([
        'Mr Smith',
        'J. Li',
      ]);
      expect(findLeaks('Johnny Smithson', personal)).toEqual([]);
      expect(findLeaks('a b c', { subjectNames: ['A', 'Al', 'A B'], datesOfBirth: [], incidentReferences: [] })).toEqual([]);
    });

    it('catches an uncommon one-word name of three letters or more on word boundaries only', () => {
      const p: PersonalData = { subjectNames: ['Kairo'], datesOfBirth: [], incidentReferences: [] };
      expect(findLeaks('KAIRO is seen; Kairos and mikairo are not', p).map((l) => l.match)).toEqual(['KAIRO']);
    });

    it('says where each match is, for highlighting', () => {
      expect(findLeaks('xx John Smith', personal)).toEqual([{ kind: 'subject_name', match: 'John Smith', index: 3 }]);
    });
  });

  describe('handles', () => {
    it('catches a handle with or without @, in any case, with its separators changed', () => {
      expect(matches('posted by @j.smith, also @J_SMITH, jsmith and j-smith', 'handle')).toEqual([
        '@j.smith',
        '@J_SMITH',
        'jsmith',
        'j-smith',
      ]);
      expect(matches('account DrillKing99 and drill_king_99', 'handle')).toEqual(['DrillKing99', 'drill_king_99']);
    });

    it('does not look for a handle shorter than three letters or digits', () => {
      expect(findLeaks('at @jo today', { subjectNames: [], handles: ['@jo'], datesOfBirth: [], incidentReferences: [] })).toEqual([]);
    });
  });

  describe('dates of birth', () => {
    it.each([
      '2008-03-14',
      '14/03/2008',
      '14-03-2008',
      '14.03.2008',
      '14 March 2008',
      '14th March 2008',
      '14th of March, 2008',
      'March 14, 2008',
      'MARCH 14TH 2008',
      '14 Mar 2008',
      '14-Mar-08',
      '14/3/08',
      '3/14/2008',
      '14 / 03 / 2008',
      '14032008',
    ])('catches %s', (written) => {
      expect(findLeaks(`born ${written} in London`, personal)).toEqual([{ kind: 'date_of_birth', match: written, index: 5 }]);
    });

    it('ignores other dates and numbers that only contain the digits', () => {
      expect(findLeaks('uploaded 15/03/2008, 14/03/2009, 2008-03-15, phone 0141403200812', personal)).toEqual([]);
    });
  });

  describe('incident references', () => {
    it('catches a reference with spaces or hyphens added or removed, in any case', () => {
      expect(matches('see CAD1234/22NOV and cad 1234 / 22 nov', 'incident_reference')).toEqual(['CAD1234/22NOV', 'cad 1234 / 22 nov']);
      expect(matches('crime 4512345 22, 451234522, 4512345-22', 'incident_reference')).toEqual(['4512345 22', '451234522', '4512345-22']);
    });

    it('catches the number without its system name, once', () => {
      expect(matches('our ref 1234/22nov', 'incident_reference')).toEqual(['1234/22nov']);
      expect(matches('CRIS 0123456/25', 'incident_reference')).toEqual(['CRIS 0123456/25']);
    });

    it('does not flag a reference that is only part of a longer number', () => {
      expect(findLeaks('code 94512345-221', personal)).toEqual([]);
    });
  });

  it('catches any name of two or three parts, however cased and joined, inside other text (property)', () => {
    const part = fc.stringMatching(/^[a-z]{3,8}$/);
    const sep = fc.constantFrom(' ', '  ', '\n', ' \n ', '-', '.', '_', '\t', '\u00a0');
    const recase = (s: string, flips: boolean[]) => [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 2, maxLength: 3 }),
        fc.array(sep, { minLength: 2, maxLength: 2 }),
        fc.array(fc.boolean(), { minLength: 1 }),
        (name, seps, flips) => {
          const written = recase(name.map((n, i) => (i === 0 ? n : `${seps[(i - 1) % seps.length]}${n}`)).join(''), flips);
          const draft = `The video (uploaded 1 May) shows ${written}, who is named in the lyrics.`;
          const leaks = findLeaks(draft, { subjectNames: [name.join(' ')], datesOfBirth: [], incidentReferences: [] });
          expect(leaks.map((l) => l.match)).toContain(written);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets the draft repeat exactly what the content itself shows, its title and address, and nothing more (SOP 6.4)', () => {
    const p: PersonalData = {
      subjectNames: ['Jayden Doe'],
      handles: ['jd_drill'],
      datesOfBirth: [],
      incidentReferences: [],
      shownByContent: ['Jayden Doe - Opp Block', 'https://www.instagram.com/jd_drill/reel/C1'],
    };
    const found = (draft: string) => findLeaks(draft, p).map((l) => l.match);
    expect(found('Title: Jayden Doe - Opp Block\nURL: https://www.instagram.com/jd_drill/reel/C1')).toEqual([]);
    expect(found('https://www.instagram.com/jd_drill/reel/C1 by @jd_drill, that is Jayden Doe')).toEqual(['@jd_drill', 'Jayden Doe']);
    expect(found('https://www.instagram.com/jd_drill/reel/C2; Jayden Doe - Opp')).toEqual(['jd_drill', 'Jayden Doe']);
  });

  describe('on any text (property)', () => {
    const jayden: PersonalData = {
      subjectNames: ['Jayden Doe', 'Aisha Bello-Okafor', 'Will'],
      handles: ['jd_drill', 'will'],
      datesOfBirth: ['2005-03-03'],
      incidentReferences: ['CAD 1234/22Nov'],
    };
    // Words and joins that make near misses and hits likely, mixed with any unicode.
    const word = fc.oneof(
      fc.constantFrom('Jayden', 'DOE', 'doe', 'J.', 'J', 'Mr', 'jd', 'drill', 'dr1ll', '@', 'Aisha', 'Bello', 'Okafor', 'will', 'Will'),
      fc.constantFrom('3', '03', '2005', 'March', '1234', '22', 'Nov', 'CAD', ',', '.', '-', '/', '\u200B', '\u00AD', '\u0430'),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );
    const draft = fc
      .array(word, { maxLength: 40 })
      .chain((ws) =>
        fc
          .array(fc.constantFrom(' ', '', '\n', ', ', '_'), { minLength: ws.length, maxLength: ws.length })
          .map((js) => ws.map((w, i) => w + js[i]).join('')),
      );

    it('never throws, and quotes each match exactly where the draft has it, in order, without overlaps', () => {
      fc.assert(
        fc.property(fc.oneof(draft, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
          const leaks = findLeaks(text, jayden);
          leaks.forEach((l, i) => {
            expect(l.match.length).toBeGreaterThan(0);
            expect(text.slice(l.index, l.index + l.match.length)).toBe(l.match);
            if (i > 0) expect(l.index).toBeGreaterThanOrEqual(leaks[i - 1]!.index + leaks[i - 1]!.match.length);
          });
        }),
        { numRuns: 500 },
      );
    });

    it('finds nothing more once every match is taken out', () => {
      fc.assert(
        fc.property(draft, (text) => {
          const leaks = findLeaks(text, jayden);
          const redacted = leaks.reduceRight((t, l) => `${t.slice(0, l.index)} [removed] ${t.slice(l.index + l.match.length)}`, text);
          expect(findLeaks(redacted, jayden)).toEqual([]);
        }),
        { numRuns: 500 },
      );
    });

    it('stays fast on long hostile drafts with 20 subjects (no catastrophic backtracking)', () => {
      const many: PersonalData = {
        subjectNames: Array.from({ length: 20 }, (_, i) => `Jayden${i} Bello-Okafor${i}`),
        handles: Array.from({ length: 20 }, (_, i) => `jd_drill${i}`),
        datesOfBirth: ['2005-03-03'],
        incidentReferences: ['CAD 1234/22Nov', 'CRIS 0123456/25'],
      };
      for (const hostile of [
        '1-'.repeat(2500),
        'jd '.repeat(1700),
        'J. '.repeat(1700),
        '3/3/'.repeat(1250),
        'a'.repeat(5000),
        'Doe, '.repeat(1000),
      ]) {
        const started = performance.now();
        findLeaks(hostile, many);
        expect(performance.now() - started).toBeLessThan(2000);
      }
    });
  });

  it('reports every kind of leak in one draft, in order', () => {
    expect(findLeaks('Smith, John (@j_smith), DOB 14/03/2008, CAD 1234/22Nov', personal).map((l) => [l.kind, l.match])).toEqual([
      ['subject_name', 'Smith, John'],
      ['handle', '@j_smith'],
      ['date_of_birth', '14/03/2008'],
      ['incident_reference', 'CAD 1234/22Nov'],
    ]);
  });
});
