// Which entity pages the cards belong on: Resource entities of the two VirtRigaud types.
import type { Entity } from '@backstage/catalog-model';
import { ENTITY_TYPE_PROVIDER, ENTITY_TYPE_VM } from '@virtrigaud/plugin-virtrigaud-common';

function isResourceOfType(entity: Entity, type: string): boolean {
  return entity.kind.toLocaleLowerCase('en-US') === 'resource' && entity.spec?.type === type;
}

export const isVirtualMachineEntity = (entity: Entity) => isResourceOfType(entity, ENTITY_TYPE_VM);
export const isProviderEntity = (entity: Entity) => isResourceOfType(entity, ENTITY_TYPE_PROVIDER);
