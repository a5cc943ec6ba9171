import { describe, expect, it } from 'vitest';
import { isCommonPassword } from './password-policy.js';

describe('isCommonPassword (NCSC: block the most common passwords)', () => {
  it.each(['password1234', 'PASSWORD1234', 'qwertyuiop12', '123456789012', 'Password2024!', 'iloveyou!!!!!!', 'monkey 2025 !!'])(
    'refuses %s',
    (pw) => expect(isCommonPassword(pw)).toBe(true),
  );

  it.each(['correct horse battery staple', 'temporary password 1', 'Zoë’s kettle hums at dawn', '4 unrelated words here', '!!!!!!!!!!!!'])(
    'accepts %s',
    (pw) => expect(isCommonPassword(pw)).toBe(false),
  );
});
