import { z } from 'zod';
import { plainText } from '../../schemas/text.js';
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from './password-policy.js';
import { ROLES } from '../../domain/vocabulary.js';

const username = plainText()
  .trim()
  .min(2, 'Enter a username of at least 2 characters')
  .max(64, 'Username must be 64 characters or fewer')
  .regex(/^[a-z0-9._-]+$/, 'Username may contain only lower-case letters, digits, dots, hyphens and underscores');

/** NCSC guidance: length over complexity, and none of the most common passwords. */
export const newPassword = plainText()
  .min(12, 'Password must be at least 12 characters')
  .max(256, 'Password must be 256 characters or fewer')
  .refine((p) => !isCommonPassword(p), COMMON_PASSWORD_MESSAGE);

const roles = z
  .array(z.enum(ROLES, { error: 'Choose a role from the list' }))
  .min(1, 'Select at least one role')
  .max(ROLES.length, { message: 'Select each role at most once', abort: true });

export const newUserSchema = z.object({
  username,
  displayName: plainText().trim().min(1, 'Enter the person’s name').max(120, 'Name must be 120 characters or fewer'),
  ocu: plainText().trim().max(60, 'OCU must be 60 characters or fewer').optional(),
  unit: plainText().trim().max(60, 'Unit must be 60 characters or fewer').optional(),
  roles,
  password: newPassword,
});
export type NewUser = z.infer<typeof newUserSchema>;

const profileSchema = newUserSchema.pick({ displayName: true, ocu: true, unit: true, roles: true });
export type Profile = z.infer<typeof profileSchema>;

/** A user's id in a URL; anything else is a page that does not exist (404, never a database error). */
export const userIdParams = z.object({ id: z.uuid() });

/** `?page=` on a paged list: a bad value means the first page rather than an error. */
export const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

/** A checkbox group arrives as nothing, one string or several. */
const checkboxes = (v: unknown) => (v === undefined || v === '' ? [] : [v].flat());

/** The admin's "add a user" form: roles from checkboxes; a blank password means "generate one". */
export const newUserFormSchema = newUserSchema.extend({
  roles: z.preprocess(checkboxes, roles),
  password: z.preprocess((v) => (v === '' ? undefined : v), newPassword.optional()),
});

/** The admin's "edit a user" form. */
export const profileFormSchema = profileSchema.extend({ roles: z.preprocess(checkboxes, roles) });
