import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * NCSC password guidance: let people choose long passwords, and block the most common ones. The
 * deny-list is zxcvbn-ts's list of passwords found most often in breaches (about 49,000), compared
 * without regard to case, and also with trailing digits, symbols and spaces removed, because
 * "Password2024!" is guessed as "password" plus a year.
 */
const COMMON = new Set(dictionary['passwords-common']);

export const COMMON_PASSWORD_MESSAGE =
  'This password is one of the most commonly used passwords, so it is easy to guess. Choose a different one: three or four unrelated words make a strong password';

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  return COMMON.has(lower) || (stem !== '' && COMMON.has(stem));
}
