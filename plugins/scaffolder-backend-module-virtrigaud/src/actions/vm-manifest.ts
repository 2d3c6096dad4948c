// The VirtualMachine object a template asks for. The cloud-init document is built as data and
// serialized by the YAML library, never by pasting user input into text.
import type { VirtualMachine } from '@virtrigaud/api';
import { toYaml11 } from './yaml-1-1';
import { TASK_ID_LABEL } from './kube-writer';

export interface VmRequest {
  namespace: string;
  name: string;
  provider: string;
  vmClass: string;
  image: string;
  networks?: string[];
  disks?: { name: string; sizeGiB: number }[];
  user?: string;
  sshPublicKey?: string;
  powerState?: 'On' | 'Off';
  owner?: string;
  system?: string;
}

export function cloudConfig(
  user: string | undefined,
  sshPublicKey: string | undefined,
): string | undefined {
  if (!user && !sshPublicKey) return undefined;
  const account = {
    name: user ?? 'cloud-user',
    sudo: 'ALL=(ALL) NOPASSWD:ALL',
    shell: '/bin/bash',
    ...(sshPublicKey ? { ssh_authorized_keys: [sshPublicKey] } : {}),
  };
  return `#cloud-config\n${toYaml11({ users: ['default', account] })}`;
}

export function vmManifest(request: VmRequest, taskId: string): VirtualMachine {
  const userData = cloudConfig(request.user, request.sshPublicKey);
  const annotations: Record<string, string> = {};
  if (request.owner) annotations['backstage.io/owner'] = request.owner;
  if (request.system) annotations['backstage.io/system'] = request.system;
  return {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'VirtualMachine',
    metadata: {
      name: request.name,
      namespace: request.namespace,
      labels: { [TASK_ID_LABEL]: taskId, 'app.kubernetes.io/managed-by': 'backstage' },
      annotations,
    },
    spec: {
      providerRef: { name: request.provider },
      classRef: { name: request.vmClass },
      imageRef: { name: request.image },
      ...(request.networks?.length
        ? {
            networks: request.networks.map((network, i) => ({
              name: `nic${i}`,
              networkRef: { name: network },
            })),
          }
        : {}),
      ...(request.disks?.length ? { disks: request.disks } : {}),
      ...(userData ? { userData: { cloudInit: { inline: userData } } } : {}),
      powerState: request.powerState ?? 'On',
    },
  };
}
