module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Frontend, backend and common packages must not import each other's code.
    '@backstage/no-mixed-plugin-imports': 'error',
  },
});
