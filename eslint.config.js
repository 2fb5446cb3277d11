// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports point one way: apps → libs; libs never import apps; protocol imports nothing of ours. */
const appPackages = [
  '@shoal/coordinator',
  '@shoal/coordinator/*',
  '@shoal/peer',
  '@shoal/peer/*',
  '@shoal/web',
  '@shoal/web/*',
];
const noAppImports = {
  patterns: [
    { group: appPackages, message: 'libs never import apps' },
    { group: ['**/apps/**'], message: 'libs never import apps' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'apps/coordinator/src/generated/**',
      '.shoal/**',
      'coverage/**',
      '.nx/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noAppImports] },
  },
  {
    files: ['libs/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noAppImports.patterns,
            { group: ['@shoal/*'], message: 'libs/protocol imports nothing of ours' },
          ],
        },
      ],
    },
  },
  {
    // Protocol cores know nothing of Nest or HTTP frameworks.
    files: ['libs/turn/**/*.ts', 'libs/tracker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noAppImports.patterns,
            {
              group: ['@nestjs/*', 'fastify', 'express'],
              message: 'protocol cores know nothing of Nest or HTTP frameworks',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/peer/src/**/*.ts', 'bench/**/*.{js,mjs,ts}', 'scripts/**/*.{js,mjs}'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'tests/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
