// @virtrigaud/kube: the Kubernetes machinery VirtRigaud's controllers and the Backstage backend
// share. `@virtrigaud/kube/workqueue`, `/rate-limiter` and `/token-bucket` load without the
// Kubernetes client (for the devcluster's controllers and the provider runtime).
export * from './client';
export * from './errors';
export * from './events';
export * from './expectations';
export * from './informer';
export * from './leader-election';
export * from './rate-limiter';
export * from './resources';
export * from './service-address';
export * from './token-bucket';
export * from './types';
export * from './workqueue';
