// Support for provider tests: running a provider's real command, waiting for a backend's tasks,
// the requests they send and the errors calls fail with.
export * from './clone-input';
export * from './provider-error-of';
export * from './provider-process';
export * from './seed-launch';
export * from './task-waiter';
