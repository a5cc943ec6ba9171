import { z } from 'zod';
import { ROLES } from '../../db/schema/users.js';

export const username = z
  .string()
  .trim()
  .min(2, 'Enter a username of at least 2 characters')
  .max(64, 'Username must be 64 characters or fewer')
  .regex(/^[a-z0-9._-]+$/, 'Username may contain only lower-case letters, digits, dots, hyphens and underscores');

/** NCSC guidance: length over complexity. */
export const newPassword = z
  .string()
  .min(12, 'Password must be at least 12 characters')
  .max(256, 'Password must be 256 characters or fewer');

export const roles = z.array(z.enum(ROLES, { error: 'Choose a role from the list' })).min(1, 'Select at least one role');

export const newUserSchema = z.object({
  username,
  displayName: z.string().trim().min(1, 'Enter the person’s name').max(120, 'Name must be 120 characters or fewer'),
  ocu: z.string().trim().max(60, 'OCU must be 60 characters or fewer').optional(),
  unit: z.string().trim().max(60, 'Unit must be 60 characters or fewer').optional(),
  roles,
  password: newPassword,
});
export type NewUser = z.infer<typeof newUserSchema>;

export const profileSchema = newUserSchema.pick({ displayName: true, ocu: true, unit: true, roles: true });
export type Profile = z.infer<typeof profileSchema>;
