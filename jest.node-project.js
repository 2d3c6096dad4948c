// The jest project every Node workspace shares: TypeScript compiled by SWC (fast, no type
// checking: `tsc -b` in scripts/test.sh is the type check). Workspaces with their own
// jest.config.js (a daemon to start, another test location) extend it.
const path = require('node:path');

module.exports = function nodeProject(dir) {
  return {
    displayName: path.relative(__dirname, dir),
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
    transform: {
      '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
    },
    moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  };
};
