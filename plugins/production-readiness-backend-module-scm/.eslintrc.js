module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Frontend, backend and common packages must not import each other's code.
    '@backstage/no-mixed-plugin-imports': 'error',
  },
  overrides: [
    {
      // The module's integration tests run it inside the real backend plugin it extends.
      files: ['src/module.test.ts', 'src/module.*.test.ts'],
      rules: { '@backstage/no-mixed-plugin-imports': 'off' },
    },
  ],
});
