export { startDevCluster, type DevCluster, type DevClusterOptions } from './cluster';
