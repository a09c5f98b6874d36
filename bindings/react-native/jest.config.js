/** Jest runs the TypeScript layer against a mocked native module (src/__tests__/mockNative.ts). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/plugin'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        // tsc --noEmit type-checks separately; Jest only transpiles.
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          customConditions: null,
          target: 'ES2020',
          isolatedModules: true,
          esModuleInterop: true,
          strict: true,
        },
      },
    ],
  },
  clearMocks: true,
};
