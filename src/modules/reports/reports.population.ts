import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The resident population the equality report divides by (issue 15 point 5): by default the shipped
 * Census 2021 figures for Greater London (data/population/greater-london-2021.json), replaceable by
 * another area's through POPULATION_FILE. Read and checked once, at start: a bad file stops the start
 * with the file and the field named, never a report that divides by nothing.
 */
const DEFAULT_POPULATION_FILE = fileURLToPath(new URL('../../../data/population/greater-london-2021.json', import.meta.url));

const people = z.number().int().positive();
const populationSchema = z.object({
  area: z.string().min(1).max(300),
  census: z.string().min(1).max(300),
  source: z.string().min(1).max(1_000),
  note: z.string().max(2_000).optional(),
  groups: z.object({ white: people, mixed: people, asian: people, black: people, other: people }),
});
export type PopulationData = z.infer<typeof populationSchema>;

export function loadPopulation(file: string = DEFAULT_POPULATION_FILE): PopulationData {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`POPULATION_FILE ${file}: ${(e as Error).message}`);
  }
  const parsed = populationSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`POPULATION_FILE ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
