// Support for tests that run a provider's real command: exported as `testing` by the SDK.
export * from './provider-process';
export * from './seed-launch';
