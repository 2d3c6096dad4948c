// The cards as used on catalog entity pages: the entity's annotations say which object to show.
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_CLUSTER,
  ANNOTATION_KIND,
  ANNOTATION_NAME,
  ANNOTATION_NAMESPACE,
  type ObjectRef,
} from '@virtrigaud/plugin-virtrigaud-common';
import type { ReactElement } from 'react';
import { objectRefOf } from '../catalog';
import { ProviderHealthCard } from './provider/ProviderHealthCard';
import { ProviderVmsCard } from './provider/ProviderVmsCard';
import { VirtualMachineCard } from './vm/VirtualMachineCard';

const ANNOTATIONS = [ANNOTATION_KIND, ANNOTATION_CLUSTER, ANNOTATION_NAMESPACE, ANNOTATION_NAME];

function WithObjectRef(props: {
  kind: 'VirtualMachine' | 'Provider';
  render: (ref: ObjectRef) => ReactElement;
}) {
  const { entity } = useEntity();
  const ref = objectRefOf(entity, props.kind);
  if (!ref) return <MissingAnnotationEmptyState annotation={ANNOTATIONS} />;
  return props.render(ref);
}

export function EntityVirtualMachineCard() {
  return (
    <WithObjectRef kind="VirtualMachine" render={(ref) => <VirtualMachineCard vmRef={ref} />} />
  );
}

export function EntityProviderHealthCard() {
  return (
    <WithObjectRef kind="Provider" render={(ref) => <ProviderHealthCard providerRef={ref} />} />
  );
}

export function EntityProviderVmsCard() {
  return <WithObjectRef kind="Provider" render={(ref) => <ProviderVmsCard providerRef={ref} />} />;
}
