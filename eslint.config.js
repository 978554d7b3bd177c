// Type-aware linting: a dropped promise in socket code is a hung case, so the
// promise rules of strictTypeChecked are the reason this config exists.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'
import { layersPlugin } from './tools/layers/layers.js'

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-tools/',
      'node_modules/',
      'eslint.config.js',
      'coverage/',
      'tools/layers/layers.js',
    ],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unified-signatures': 'off',
      'no-console': 'error',
    },
  },
  {
    // Plain-JS fixtures a run spawns as a user's proxy (no build): linted without types.
    files: ['test-fixtures/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['cli/**/*.ts', 'tools/**/*.ts', '**/*.test.ts', 'vitest.config.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Imports run down the layers of tools/layers/layers.json (a self-test may use any kit).
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.spec.ts', '**/*.d.ts', 'vitest.config.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/no-upward-import': 'error' },
  },
  {
    files: ['suites/**/*.ts', 'harness/**/*.ts'],
    ignores: ['**/*.test.ts', 'harness/net/deadline.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['msw/node'],
              message: 'Global interception would capture the harness traffic.',
            },
            { group: ['node:timers/promises'], message: 'Wait for an event under a Deadline.' },
          ],
        },
      ],
    },
  },
  prettier,
)
