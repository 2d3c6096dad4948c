// The provider.v1 API as TypeScript: messages, the grpc-js service definition, server interface
// and client constructor, all generated from provider/v1/provider.proto by ts-proto.
export * from './gen/provider/v1/provider';
export { PROVIDER_SERVICE_NAME, PROTO_PATH } from './names';
export { createHealthService, HealthImplementation, HEALTH_SERVICE_NAME } from './health';
export type { ServingStatus } from './health';
