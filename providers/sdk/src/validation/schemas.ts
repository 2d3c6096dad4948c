// The wire JSON contracts of the `*_json` request fields, built from the CRD schemas of
// @virtrigaud/api so a document the API server admitted is a document the provider accepts.
import { Type, TypeRegistry } from '@sinclair/typebox';
import {
  VirtualMachineSpecSchema,
  VMClassSpecSchema,
  VMImageSpecSchema,
  VMNetworkAttachmentSpecSchema,
} from '@virtrigaud/api';

// The API's string enums are `Type.Unsafe` JSON schemas (CRDs reject `const`); teach TypeBox to
// check them, which is all an Unsafe schema of this API needs.
if (!TypeRegistry.Has('Unsafe')) {
  TypeRegistry.Set('Unsafe', (schema: { enum?: unknown[] }, value) =>
    Array.isArray(schema.enum) ? schema.enum.includes(value) : true,
  );
}

const vm = VirtualMachineSpecSchema.properties;
const nic = vm.networks.items.properties;

export const ClassSchema = VMClassSpecSchema;
export const ImageSchema = VMImageSpecSchema;
export const DiskSchema = vm.disks.items;
export const DisksSchema = Type.Array(DiskSchema, { maxItems: 32 });
export const NetworksSchema = Type.Array(
  Type.Object({
    name: nic.name,
    macAddress: Type.Optional(nic.macAddress),
    ipAddress: Type.Optional(nic.ipAddress),
    attachment: VMNetworkAttachmentSpecSchema,
  }),
  { maxItems: 16 },
);
export const PlacementSchema = vm.placement;
export const TagsSchema = vm.tags;
export const DesiredSchema = Type.Object({
  class: VMClassSpecSchema,
  disks: Type.Optional(DisksSchema),
});
export const CustomizeSchema = Type.Record(Type.String(), Type.Unknown());
