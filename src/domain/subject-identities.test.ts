import { describe, expect, it } from 'vitest';
import { identitiesOf } from './subject-identities.js';

describe('a subject field read into names and handles (DESIGN.md "Subject": name or online handle; SOP 6.4)', () => {
  it.each([
    ['Jayden Doe (@jd_drill)', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe [jd_drill]', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe aka jd_drill', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe a.k.a. @jd_drill', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe also known as DrillKing', ['Jayden Doe'], ['DrillKing']],
    ['Jayden Doe / @jd_drill', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe | jd_drill; @jd2', ['Jayden Doe'], ['jd_drill', 'jd2']],
    ['Jayden Doe - jd_drill', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe @jd_drill', ['Jayden Doe'], ['jd_drill']],
    ['Jayden Doe, @jd_drill', ['Jayden Doe'], ['jd_drill']],
    ['DOE, Jayden', ['Jayden DOE'], []],
    ['Doe, Jayden (aka @jd_drill)', ['Jayden Doe'], ['jd_drill']],
    ['Jayden "JD" Doe', ['Jayden Doe', 'JD'], []],
    ['Jayden ‘Jaydee’ Doe (aka "JD", @jd_drill)', ['Jayden Doe', 'JD', 'Jaydee'], ['jd_drill']],
    ['Shaun O’Brien', ['Shaun O’Brien'], []],
    ["Shaun O'Brien", ["Shaun O'Brien"], []],
    ['Jordan Mensah-Clarke', ['Jordan Mensah-Clarke'], []],
    ['Kane', ['Kane'], []],
    ['@drill_king99', [], ['drill_king99']],
    ['drillking99', [], ['drillking99']],
    ['j.smith', [], ['j.smith']],
    ['  Zoë   Brennan  ', ['Zoë Brennan'], []],
    ['Aliyu bin Musa', ['Aliyu bin Musa'], []],
    ['', [], []],
    ['()', [], []],
    ['@', [], []],
  ])('%j', (recorded, names, handles) => {
    expect(identitiesOf(recorded)).toEqual({ names, handles });
  });
});
