import { z } from 'zod';
import { plainText } from '../../schemas/text.js';
import { newPassword } from '../users/users.schemas.js';

export const signInSchema = z.object({
  username: plainText().trim().min(1, 'Enter your username').max(64, 'Enter your username'),
  password: plainText().min(1, 'Enter your password').max(256, 'Enter your password'),
  returnTo: plainText().optional(),
});

export const changePasswordSchema = z
  .object({
    currentPassword: plainText().min(1, 'Enter your current password').max(256, 'Enter your current password'),
    newPassword,
    confirmPassword: plainText(),
    /** A checkbox: also revoke the person's API tokens (issue 10). */
    revokeTokens: z
      .literal('yes', { error: 'Tick the box or leave it empty' })
      .optional()
      .transform((v) => v === 'yes'),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The passwords do not match' });

/** Only a local path may be a return address (no open redirect). */
export const safeReturnTo = (v: string | undefined) => (v && /^\/(?!\/)[^\s\\]*$/.test(v) ? v : '/');
