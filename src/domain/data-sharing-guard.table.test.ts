import { describe, expect, it } from 'vitest';
import { findLeaks, type PersonalData } from './data-sharing-guard.js';
import { identitiesOf } from './subject-identities.js';

/**
 * SOP 6.4, issue 10: every way a reader would recognise a subject's recorded data in a draft, caught,
 * and the ordinary words that happen to share a name part, not. One row: what the referral records
 * (a subject field as typed, a date of birth, an incident reference with its system), a draft, and
 * the words the guard must quote (none for a clean draft).
 */
type Recorded = { subject?: string; dob?: string; ref?: string };
const JAYDEN: Recorded = { subject: 'Jayden Doe (@jd_drill)' };

const personalOf = (r: Recorded): PersonalData => {
  const ids = identitiesOf(r.subject ?? '');
  return { subjectNames: ids.names, handles: ids.handles, datesOfBirth: r.dob ? [r.dob] : [], incidentReferences: r.ref ? [r.ref] : [] };
};

const CAUGHT: [Recorded, string, string[]][] = [
  // The whole name, however written.
  [JAYDEN, 'The video shows Jayden Doe with a knife.', ['Jayden Doe']],
  [JAYDEN, 'shows jayden doe, JAYDEN DOE and Jayden  Doe', ['jayden doe', 'JAYDEN DOE', 'Jayden  Doe']],
  [JAYDEN, 'shows Jayden\nDoe and Jayden-Doe', ['Jayden\nDoe', 'Jayden-Doe']],
  [JAYDEN, 'tagged #JaydenDoe and jayden.doe and jayden_doe', ['JaydenDoe', 'jayden.doe', 'jayden_doe']],
  [JAYDEN, 'Jayden Doe’s new track', ['Jayden Doe']],
  // Diacritics, look-alike letters, fullwidth forms and hidden characters.
  [JAYDEN, 'shows Jáydén Döe', ['Jáydén Döe']],
  [JAYDEN, 'shows J\u0430yden D\u043Ee (Cyrillic а, о)', ['J\u0430yden D\u043Ee']],
  [JAYDEN, 'shows JAYDEN D\u039FE (Greek Ο)', ['JAYDEN D\u039FE']],
  [JAYDEN, 'shows \uFF2A\uFF41\uFF59\uFF44\uFF45\uFF4E \uFF24\uFF4F\uFF45', ['\uFF2A\uFF41\uFF59\uFF44\uFF45\uFF4E \uFF24\uFF4F\uFF45']],
  [JAYDEN, 'shows Jay\u200Bden Do\u200De', ['Jay\u200Bden Do\u200De']],
  [JAYDEN, 'shows Jay\u00ADden Doe', ['Jay\u00ADden Doe']],
  // A part split by punctuation.
  [JAYDEN, 'shows Jay-den Doe, then J.A.Y.D.E.N D.O.E, then Jay_den', ['Jay-den Doe', 'J.A.Y.D.E.N D.O.E', 'Jay_den']],
  // Initial and surname, surname and initial, surname first, a title.
  [JAYDEN, 'shows J. Doe, then J Doe, then J.Doe, then j. doe', ['J. Doe', 'J Doe', 'J.Doe', 'j. doe']],
  [JAYDEN, 'records say Doe J; also Doe, J. and DOE J', ['Doe J', 'Doe, J.', 'DOE J']],
  [JAYDEN, 'Subject: Doe, Jayden. Also DOE Jayden and DOE, JAYDEN', ['Doe, Jayden', 'DOE Jayden', 'DOE, JAYDEN']],
  [JAYDEN, 'Mr Doe is seen; MR. DOE again', ['Mr Doe', 'MR. DOE']],
  // An uncommon part alone.
  [JAYDEN, 'Jayden is seen at 0:32', ['Jayden']],
  // Handles with and without @, separators, case, digits for letters.
  [JAYDEN, 'posted by @jd_drill, then jd_drill, then JD_DRILL', ['@jd_drill', 'jd_drill', 'JD_DRILL']],
  [JAYDEN, 'account jd.drill, jd drill, jddrill, JD Drill', ['jd.drill', 'jd drill', 'jddrill', 'JD Drill']],
  [JAYDEN, 'account @jd_dr1ll and jd_dri11 and @\uFF4A\uFF44_drill', ['@jd_dr1ll', 'jd_dri11', '@\uFF4A\uFF44_drill']],
  [{ subject: '@will' }, 'follow @Will on TikTok', ['@Will']],
  [{ subject: 'drillking99' }, 'uploaded by Drill.King.99', ['Drill.King.99']],
  // Names in other shapes.
  [{ subject: 'Zoë Brennan' }, 'Zoe Brennan and ZOË BRENNAN', ['Zoe Brennan', 'ZOË BRENNAN']],
  [{ subject: 'Aisha Bello-Okafor' }, 'aisha bello okafor', ['aisha bello okafor']],
  [{ subject: 'Aisha Bello-Okafor' }, 'A. Bello-Okafor; Bello-Okafor, Aisha; Okafor', ['A. Bello-Okafor', 'Bello-Okafor, Aisha', 'Okafor']],
  [{ subject: 'John Paul Smith' }, 'J. P. Smith, JP Smith, John Smith, J Smith', ['J. P. Smith', 'JP Smith', 'John Smith', 'J Smith']],
  [{ subject: 'John Paul Smith' }, 'Smith, John Paul', ['Smith, John Paul']],
  [{ subject: 'DOE, Jayden' }, 'shows Jayden Doe', ['Jayden Doe']],
  [{ subject: 'Shaun O’Brien' }, "shows O'Brien and OBRIEN", ["O'Brien", 'OBRIEN']],
  [{ subject: 'Andrew Block' }, 'A. Block is seen', ['A. Block']],
  [{ subject: 'Will Mark' }, 'Mr Mark and W. Mark', ['Mr Mark', 'W. Mark']],
  // Dates of birth.
  ...[
    '2005-03-03',
    '2005/3/3',
    '3/3/2005',
    '03/03/2005',
    '3.3.05',
    '03.03.05',
    '3/3/05',
    '3 March 2005',
    '3rd March 2005',
    '3rd of March, 2005',
    'March 3, 2005',
    'MARCH 3RD 2005',
    '3 Mar 05',
    '3-Mar-05',
    '20050303',
    '03032005',
    '\uFF13/\uFF13/\uFF12\uFF10\uFF10\uFF15',
    '3/\u200B3/2005',
  ].map((d): [Recorded, string, string[]] => [{ dob: '2005-03-03' }, `born ${d} in London`, [d]]),
  [{ dob: '2008-03-14' }, 'born 3/14/2008 (US order)', ['3/14/2008']],
  // Incident references with or without their system and separators.
  [{ ref: 'CAD 1234/22Nov' }, 'see CAD 1234/22Nov, CAD1234/22NOV', ['CAD 1234/22Nov', 'CAD1234/22NOV']],
  [{ ref: 'CAD 1234/22Nov' }, 'our ref 1234/22Nov, 1234 22 Nov, cad-1234-22nov', ['1234/22Nov', '1234 22 Nov', 'cad-1234-22nov']],
  [{ ref: 'CRIS 0123456/25' }, 'crime 0123456/25 and 0123456-25', ['0123456/25', '0123456-25']],
  [{ ref: 'CAD 1234' }, 'see CAD 1234 and cad1234', ['CAD 1234', 'cad1234']],
  // All at once, in the draft's order.
  [
    { ...JAYDEN, dob: '2005-03-03', ref: 'CAD 1234/22Nov' },
    'Doe, Jayden (@jd_drill), DOB 3/3/2005, CAD 1234/22Nov',
    ['Doe, Jayden', '@jd_drill', '3/3/2005', 'CAD 1234/22Nov'],
  ],
];

const NOT_CAUGHT: [Recorded, string][] = [
  // A name part that is an ordinary word does not block the word.
  [{ subject: 'Will' }, 'The platform will remove it. Will you?'],
  [{ subject: 'May Li' }, 'This may be removed; li is not looked for'],
  [{ subject: 'Grace Okafor' }, 'by the grace of God'],
  [{ subject: 'Mark Rob' }, 'a mark on the wall; they rob a shop'],
  [{ subject: 'Bill' }, 'the bill for the repair'],
  [{ subject: 'Andrew Block' }, 'a block of flats; Block A of the estate; in a block'],
  [{ subject: 'Opp' }, 'goads the opps'],
  [{ subject: 'Kane Smith' }, 'Kane was not the only one; Smith too'],
  [JAYDEN, 'a doe in the park; the UK drill scene; DJ Drill'],
  [JAYDEN, 'Jaydens and Jayde and Jaydenne are other words; Jay den is two'],
  [{ subject: 'Al Ford' }, 'Alf Ord is someone else'],
  [JAYDEN, 'smith doe j. is not how records write it; j doe neither'],
  // A handle: not an ordinary word without its @, not letters for its digits.
  [{ subject: '@will' }, 'it will be removed'],
  [{ subject: 'sam_1' }, 'Sam I am'],
  [{ subject: 'jd_drill' }, 'j drill'],
  // Other dates and numbers.
  [{ dob: '2005-03-03' }, '3/3/2006, 4/3/2005, 13/3/2005, version 3.3.0, in 2005, 2005-03-04, 120050303, on 3 March'],
  // References: a short bare number is any number; digits grouped by a comma are a number.
  [{ ref: 'CAD 1234' }, '1,234 views at 1234 hours; 12345'],
  [{ ref: 'CRIS 12345' }, '12,345 views; 12.345 seconds; 123456'],
  [{ ref: 'CAD 1234/22Nov' }, 'code 91234/22Nov1'],
];

describe('the data-sharing guard, variant by variant (SOP 6.4; issue 10)', () => {
  it.each(CAUGHT)('%j catches in %j: %j', (recorded, draft, expected) => {
    expect(findLeaks(draft, personalOf(recorded)).map((l) => l.match)).toEqual(expected);
  });

  it.each(NOT_CAUGHT)('%j lets through %j', (recorded, draft) => {
    expect(findLeaks(draft, personalOf(recorded))).toEqual([]);
  });
});
