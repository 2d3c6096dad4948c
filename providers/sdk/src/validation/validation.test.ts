import { PowerOp } from '@virtrigaud/proto';
import { ProviderError } from '../errors';
import { parseJsonField } from './json-fields';
import { requireOwner, requirePowerOp, requireVmName } from './request-fields';
import {
  ClassSchema,
  DesiredSchema,
  DisksSchema,
  NetworksSchema,
  PlacementSchema,
} from './schemas';

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('INVALID_ARGUMENT');
    return (err as Error).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('*_json fields', () => {
  it.each([
    ['class_json', '{"cpu":0,"memory":"1Gi"}', ClassSchema, 'class_json.cpu: must be >= 1'],
    [
      'class_json',
      '{"cpu":1,"memory":"1GB"}',
      ClassSchema,
      'class_json.memory: must match ^[1-9][0-9]*(Mi|Gi|Ti)$',
    ],
    [
      'class_json',
      '{"cpu":1,"memory":"1Gi","firmware":"EFI"}',
      ClassSchema,
      'class_json.firmware: must be one of BIOS, UEFI',
    ],
    ['class_json', '{"memory":"1Gi"}', ClassSchema, 'class_json.cpu: is required'],
    ['class_json', '{"cpu":', ClassSchema, 'class_json: is not valid JSON'],
    ['class_json', '', ClassSchema, 'class_json: is required'],
    [
      'disks_json',
      '[{"name":"data","sizeGiB":0}]',
      DisksSchema,
      'disks_json[0].sizeGiB: must be >= 1',
    ],
    ['disks_json', '{"name":"data"}', DisksSchema, 'disks_json: must be an array'],
    [
      'networks_json',
      '[{"name":"eth0","attachment":{"libvirt":{"bridge":"br 0"}}}]',
      NetworksSchema,
      'networks_json[0].attachment.libvirt.bridge: must match',
    ],
    [
      'placement_json',
      '{"node":' + JSON.stringify('n'.repeat(65)) + '}',
      PlacementSchema,
      'placement_json.node: must be at most 64 characters',
    ],
    ['desired_json', '{"disks":[]}', DesiredSchema, 'desired_json.class: is required'],
  ])('%s %s → %s', (field, text, schema, message) => {
    expect(problem(() => parseJsonField(field, text, schema))).toContain(message);
  });

  it('accepts what the CRDs accept, and an empty optional field as its default', () => {
    expect(
      parseJsonField('class_json', '{"cpu":2,"memory":"4Gi","firmware":"UEFI"}', ClassSchema),
    ).toEqual({
      cpu: 2,
      memory: '4Gi',
      firmware: 'UEFI',
    });
    expect(parseJsonField('disks_json', '', DisksSchema, { whenEmpty: [] })).toEqual([]);
  });
});

describe('plain request fields', () => {
  it.each(['', 'a;rm -rf /', 'a$(id)', 'vm<a>', 'UPPER', 'x'.repeat(254), "it's", 'a b'])(
    'rejects VM name %j',
    (name) => {
      expect(problem(() => requireVmName('name', name))).toMatch(/^name: /);
    },
  );

  it('accepts DNS subdomain names', () => {
    expect(requireVmName('name', 'default.web-01')).toBe('default.web-01');
  });

  it('requires an owner uid and a known power op', () => {
    expect(problem(() => requireOwner('owner', undefined))).toMatch(/^owner\.uid: is required/);
    expect(problem(() => requirePowerOp('op', PowerOp.POWER_OP_UNSPECIFIED))).toMatch(
      /^op: must be one of/,
    );
    expect(requirePowerOp('op', PowerOp.POWER_OP_SHUTDOWN_GRACEFUL)).toBe('shutdownGraceful');
  });
});
