// The parts of @kubernetes/client-node the manager uses: KubeConfig (every kubeconfig and
// in-cluster authentication method), Watch, and the request context they share, each from its
// own module rather than the package index, which loads every generated API client (and see
// ./client-node-subset.ts, which main.ts installs, for the one import of them that remains).
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
export { HttpMethod, RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
