// Component tests run in jsdom. Backstage's frontend packages ship ES modules (`*.esm.js`), so
// SWC transpiles them to CommonJS too; only packages that are already CommonJS are left alone.
const path = require('node:path');

const swc = (syntax) => [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser:
        syntax === 'ts' ? { syntax: 'typescript', tsx: true } : { syntax: 'ecmascript', jsx: true },
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
];

const alreadyCommonJs = [
  '@material-ui',
  'react',
  'react-dom',
  'react-is',
  'jsdom',
  'core-js',
  'lodash',
];

module.exports = {
  displayName: 'plugins/virtrigaud',
  rootDir: __dirname,
  testEnvironment: path.join(__dirname, 'jest.environment.js'),
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  setupFilesAfterEnv: ['<rootDir>/jest.setup.js'],
  transform: {
    '^.+\\.(ts|tsx)$': swc('ts'),
    '^.+\\.(js|jsx|mjs|cjs)$': swc('js'),
  },
  transformIgnorePatterns: [`/node_modules/(?:${alreadyCommonJs.join('|')})/`],
  moduleNameMapper: {
    '\\.(css|less|scss)$': path.join(__dirname, 'jest.asset-stub.js'),
    // CSS modules compiled to JS that inject a <style>; jsdom cannot parse modern CSS.
    '\\.css\\.esm\\.js$': path.join(__dirname, 'jest.asset-stub.js'),
    '\\.(svg|png|jpe?g|gif|ico|webp|woff2?|ttf|eot)$': path.join(__dirname, 'jest.asset-stub.js'),
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json'],
};
