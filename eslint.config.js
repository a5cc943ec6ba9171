// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Flat config (STYLE.md "Habits"): @eslint/js and typescript-eslint recommended; Prettier owns the formatting. */
export default tseslint.config(
  { ignores: ['node_modules/', 'drizzle/', 'data/', 'coverage/', '.tmp/', 'dist/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_` marks a binding kept for its position (an it.each row, a destructured field left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
