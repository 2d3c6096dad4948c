// The standard grpc.health.v1 service comes from the maintained grpc-health-check package; we
// only fix the service names a provider reports so every provider answers the same way.
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { PROVIDER_SERVICE_NAME } from './names';

export { HealthImplementation };
export type { ServingStatus };

/** The name `grpc.health.v1.Health/Check` answers for, besides the overall server status (""). */
export const HEALTH_SERVICE_NAME = PROVIDER_SERVICE_NAME;

/** Health service starting NOT_SERVING until the provider has proven its hypervisor reachable. */
export function createHealthService(): HealthImplementation {
  return new HealthImplementation({ '': 'NOT_SERVING', [HEALTH_SERVICE_NAME]: 'NOT_SERVING' });
}
