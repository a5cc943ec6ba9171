/**
 * The 2021 census ethnicity classification (GSS harmonised, England and Wales; STACK.md "UK data facts"):
 * five high-level groups and their 19 categories, in the census's order and words. The equality report
 * (issue 15 point 5) counts by group; the intake pages offer the categories grouped the same way.
 */
import type { Ethnicity } from './vocabulary.js';

export const ETHNIC_GROUPS = ['white', 'mixed', 'asian', 'black', 'other'] as const;
export type EthnicGroup = (typeof ETHNIC_GROUPS)[number];

export const ETHNIC_GROUP_LABELS: Record<EthnicGroup, string> = {
  white: 'White',
  mixed: 'Mixed or Multiple ethnic groups',
  asian: 'Asian or Asian British',
  black: 'Black, Black British, Caribbean or African',
  other: 'Other ethnic group',
};

const ETHNICITY_LABELS: Record<Exclude<Ethnicity, 'not_stated'>, string> = {
  white_british: 'English, Welsh, Scottish, Northern Irish or British',
  white_irish: 'Irish',
  white_gypsy_irish_traveller: 'Gypsy or Irish Traveller',
  white_roma: 'Roma',
  white_other: 'Any other White background',
  mixed_white_black_caribbean: 'White and Black Caribbean',
  mixed_white_black_african: 'White and Black African',
  mixed_white_asian: 'White and Asian',
  mixed_other: 'Any other Mixed or Multiple ethnic background',
  asian_indian: 'Indian',
  asian_pakistani: 'Pakistani',
  asian_bangladeshi: 'Bangladeshi',
  asian_chinese: 'Chinese',
  asian_other: 'Any other Asian background',
  black_caribbean: 'Caribbean',
  black_african: 'African',
  black_other: 'Any other Black, Black British or Caribbean background',
  other_arab: 'Arab',
  other_any: 'Any other ethnic group',
};

/** The high-level group of a category; null for "not stated" (and for nothing recorded). */
export function ethnicGroupOf(ethnicity: string | null | undefined): EthnicGroup | null {
  if (!ethnicity || ethnicity === 'not_stated') return null;
  const prefix = ethnicity.split('_')[0];
  return (ETHNIC_GROUPS as readonly string[]).includes(prefix ?? '') ? (prefix as EthnicGroup) : null;
}

/** The categories under each group, in the census's order: what an intake page's grouped choice shows. */
export function ethnicitiesByGroup(): { group: EthnicGroup; label: string; items: { value: Ethnicity; text: string }[] }[] {
  const entries = Object.entries(ETHNICITY_LABELS) as [Exclude<Ethnicity, 'not_stated'>, string][];
  return ETHNIC_GROUPS.map((group) => ({
    group,
    label: ETHNIC_GROUP_LABELS[group],
    items: entries.filter(([value]) => ethnicGroupOf(value) === group).map(([value, text]) => ({ value, text })),
  }));
}
