import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPopulation } from './reports.population.js';

/** Issue 15 point 5: the shipped population figures, and a replacement by POPULATION_FILE checked at start. */
describe('loadPopulation', () => {
  it('reads the shipped Census 2021 Greater London figures, whose groups add up to its total', () => {
    const p = loadPopulation();
    expect(p.census).toContain('Census 2021');
    expect(p.source).toContain('TS021');
    expect(Object.values(p.groups).reduce((a, b) => a + b, 0)).toBe(8_799_728);
  });

  it('refuses a file that is missing, not JSON or lacks a group, naming the file and the field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rd-population-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ area: 'Kent', census: 'Census 2021', source: 'ONS', groups: { white: 1, mixed: 1, asian: 1, black: 1 } }),
    );
    expect(() => loadPopulation(bad)).toThrow(/POPULATION_FILE .*bad\.json: groups\.other/);
    expect(() => loadPopulation(path.join(dir, 'none.json'))).toThrow(/POPULATION_FILE .*none\.json/);
    fs.writeFileSync(bad, 'not json');
    expect(() => loadPopulation(bad)).toThrow(/POPULATION_FILE/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
