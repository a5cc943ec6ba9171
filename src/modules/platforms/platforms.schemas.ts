import { z } from 'zod';
import { CHANNELS } from '../../db/schema/platforms.js';

export const platformSchema = z.object({
  key: z.string().describe('Directory key, e.g. youtube'),
  name: z.string(),
  channel: z.enum(CHANNELS).describe('SOP 10.5: how referrals reach the platform'),
  clauses: z.array(z.object({ key: z.string(), title: z.string() })).describe('Terms-of-service clauses a review may cite (SOP 9.4)'),
});
export const platformListSchema = z.array(platformSchema);
