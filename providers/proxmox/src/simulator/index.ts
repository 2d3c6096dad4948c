// The Proxmox VE simulator used by this package's tests (and usable by other suites that need a
// Proxmox endpoint): see server.ts for what "faithful by construction" means here.
export { ProxmoxSimulator, type RecordedRequest, type SimulatorOptions } from './server';
export { ApiSchema, type Endpoint, type ParamSchema } from './api-schema';
export { verifyParameters, checkValue, type ParamErrors } from './parameters';
export { selfSignedCertificate, type TestCertificate } from './certificate';
export type { SimToken, SimUser } from './auth';
export type { SeedVm } from './cluster';
