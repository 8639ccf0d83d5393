import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'clients/vscode/node_modules/**',
      'clients/vscode/dist/**',
      'clients/vscode/scripts/**',
      'test/run.js',
      'test/setup.js',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/**/*.ts', 'debug-adapter/**/*.ts', 'kernel/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
