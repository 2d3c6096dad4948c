export { startDevCluster, type DevCluster, type DevClusterOptions } from './cluster';
export type { KubeletOptions } from './kubelet/kubelet';
export { ADDRESSES_ANNOTATION } from './kubelet/service-proxy';
