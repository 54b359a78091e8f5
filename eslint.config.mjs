// Lint: typescript-eslint's recommended rules, plus the architecture's one hard rule: only the shell may
// import `vscode` (core runs in plain Node and in the engine; shared and webview code runs elsewhere too; the
// engine process and the inspector's backend it hosts never have it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only the extension shell may import vscode.' }] }],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/', 'bench/tmp/', 'test/fixtures/', 'demo/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: [
      'src/core/**/*.ts',
      'src/engine/**/*.ts',
      'src/shared/**/*.ts',
      'src/webview/**/*.ts',
      'src/inspector/inspector{Backend,CaptureView,Filter}.ts',
      'src/inspector/messagePresenter.ts',
    ],
    rules: noVscode,
  },
);
