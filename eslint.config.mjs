import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'coverage/', 'bin/', '*.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // scripts/ runs before node_modules exists: plain CommonJS for Node.js, no dependencies.
    files: ['scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // graphite-web's lenient offset grammar (`2hello` = 2 hours) is for the evaluator, which must read targets
    // exactly as graphite-web does; everything a user types goes through the strict parsers of src/time.
    files: ['src/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/evaluator/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/evaluator/time-offset'],
              message:
                'graphite-web offsets are for the evaluator only; use parseDuration & co. from src/time',
            },
          ],
        },
      ],
    },
  },
);
