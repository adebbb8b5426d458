/** Type-checking runs once in `npm run typecheck`; jest only transpiles. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }],
  },
  // Every App gets the context of cdk.json, as `cdk synth` gives it (see the file).
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 120000,
};
