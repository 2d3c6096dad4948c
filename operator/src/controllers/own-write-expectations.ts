// Expectations of a controller's own writes to the objects of one informer, satisfied as the
// informer delivers them: until then the cached copy is stale and acting on it would repeat a call.
import { type Informer, type KubeObject, WriteExpectations } from '@virtrigaud/kube';

export function ownWriteExpectations<T extends KubeObject>(
  informer: Informer<T>,
): WriteExpectations {
  const expectations = new WriteExpectations();
  informer.on((_type, obj) => expectations.observe(obj));
  return expectations;
}
