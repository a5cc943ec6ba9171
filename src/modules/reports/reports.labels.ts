import type { ContentType } from '../../domain/transparency.js';

/** SOP 4.1.6's examples in its words, for the transparency report's pages. */
export const CONTENT_TYPE_LABELS: Record<ContentType | 'not_recorded', string> = {
  illegal_commodities: 'Online sales of illegal commodities',
  provoking_violence: 'Content likely to provoke a real world act of violence',
  inflammatory_distressing: 'Inflammatory or distressing content associated with serious youth violence',
  exploitation: 'Concerns of exploitation of a child or vulnerable person',
  not_recorded: 'No review factor recorded',
};
