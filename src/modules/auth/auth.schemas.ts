import { z } from 'zod';
import { newPassword } from '../users/users.schemas.js';

export const signInSchema = z.object({
  username: z.string().trim().min(1, 'Enter your username').max(64, 'Enter your username'),
  password: z.string().min(1, 'Enter your password').max(256, 'Enter your password'),
  returnTo: z.string().optional(),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password').max(256, 'Enter your current password'),
    newPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The passwords do not match' });

/** Only a local path may be a return address (no open redirect). */
export const safeReturnTo = (v: string | undefined) => (v && /^\/(?!\/)[^\s\\]*$/.test(v) ? v : '/');
