export { startDevCluster, type DevCluster, type DevClusterOptions } from './cluster';
export { Kubelet, type KubeletOptions } from './kubelet/kubelet';
