// Everything a VirtualMachine refers to, resolved from the caches (and cloud-init Secrets read on
// demand). A missing or unusable reference yields the condition reason and a message that names
// the field to fix.
import { type Informer, type KubeClient, type KubeObject, KubeResources } from '@virtrigaud/kube';
import type {
  Provider,
  VirtualMachine,
  VMClass,
  VMImage,
  VMNetworkAttachment,
  VMNetworkAttachmentSpec,
} from '@virtrigaud/api';

export interface ResolvedNetwork {
  name: string;
  macAddress?: string;
  ipAddress?: string;
  attachment: VMNetworkAttachmentSpec;
}

export interface ResolvedVM {
  provider: Provider;
  vmClass: VMClass;
  image: VMImage;
  networks: ResolvedNetwork[];
  userData?: Buffer;
  metaData?: Buffer;
}

export interface MissingReference {
  reason: string;
  message: string;
  /** Secrets are not watched, so a missing one is re-checked on a timer. */
  recheck: boolean;
}

export type Resolution = { ok: true; value: ResolvedVM } | ({ ok: false } & MissingReference);

export interface ReferenceCaches {
  providers: Informer<Provider & KubeObject>;
  classes: Informer<VMClass & KubeObject>;
  images: Informer<VMImage & KubeObject>;
  networks: Informer<VMNetworkAttachment & KubeObject>;
}

type SecretObject = KubeObject & { data?: Record<string, string> };

function missing(
  field: string,
  kind: string,
  name: string,
  namespace: string,
  reason: string,
): { ok: false } & MissingReference {
  return {
    ok: false,
    reason,
    recheck: false,
    message: `${field}: ${kind} "${name}" not found in namespace "${namespace}"; create it or correct the reference`,
  };
}

export async function resolveReferences(
  vm: VirtualMachine,
  caches: ReferenceCaches,
  client: KubeClient,
): Promise<Resolution> {
  const namespace = vm.metadata.namespace!;
  const { spec } = vm;
  const provider = caches.providers.get(namespace, spec.providerRef.name);
  if (!provider) {
    return missing(
      'spec.providerRef.name',
      'Provider',
      spec.providerRef.name,
      namespace,
      'ProviderNotFound',
    );
  }
  const vmClass = caches.classes.get(namespace, spec.classRef.name);
  if (!vmClass) {
    return missing('spec.classRef.name', 'VMClass', spec.classRef.name, namespace, 'ClassNotFound');
  }
  const image = caches.images.get(namespace, spec.imageRef.name);
  if (!image) {
    return missing('spec.imageRef.name', 'VMImage', spec.imageRef.name, namespace, 'ImageNotFound');
  }
  const providerType = provider.spec.type;
  if (!(providerType in (image.spec.source ?? {}))) {
    return {
      ok: false,
      reason: 'ImageIncompatible',
      recheck: false,
      message: `spec.imageRef.name: VMImage "${spec.imageRef.name}" has no spec.source.${providerType}, so Provider "${provider.metadata.name}" (type ${providerType}) cannot use it`,
    };
  }
  const networks: ResolvedNetwork[] = [];
  for (const [index, nic] of (spec.networks ?? []).entries()) {
    const attachment = caches.networks.get(namespace, nic.networkRef.name);
    if (!attachment) {
      return missing(
        `spec.networks[${index}].networkRef.name`,
        'VMNetworkAttachment',
        nic.networkRef.name,
        namespace,
        'NetworkNotFound',
      );
    }
    networks.push({
      name: nic.name,
      ...(nic.macAddress ? { macAddress: nic.macAddress } : {}),
      ...(nic.ipAddress ? { ipAddress: nic.ipAddress } : {}),
      attachment: attachment.spec,
    });
  }
  const userData = await cloudInit(
    client,
    namespace,
    spec.userData?.cloudInit,
    'userdata',
    'spec.userData.cloudInit',
  );
  if (userData && 'ok' in userData) return userData;
  const metaData = await cloudInit(client, namespace, spec.metaData, 'metadata', 'spec.metaData');
  if (metaData && 'ok' in metaData) return metaData;
  return {
    ok: true,
    value: {
      provider,
      vmClass,
      image,
      networks,
      userData: userData as Buffer | undefined,
      metaData: metaData as Buffer | undefined,
    },
  };
}

async function cloudInit(
  client: KubeClient,
  namespace: string,
  source: { inline?: string; secretRef?: { name: string; key?: string } } | undefined,
  defaultKey: string,
  field: string,
): Promise<Buffer | undefined | ({ ok: false } & MissingReference)> {
  if (!source) return undefined;
  if (source.inline !== undefined) return Buffer.from(source.inline, 'utf8');
  if (!source.secretRef) return undefined;
  const { name } = source.secretRef;
  const key = source.secretRef.key ?? defaultKey;
  const secret = await client.get<SecretObject>(KubeResources.Secret, namespace, name);
  if (!secret) {
    return {
      ...missing(`${field}.secretRef.name`, 'Secret', name, namespace, 'CloudInitSecretNotFound'),
      recheck: true,
    };
  }
  const value = secret.data?.[key];
  if (value === undefined) {
    return {
      ok: false,
      reason: 'CloudInitKeyNotFound',
      recheck: true,
      message: `${field}.secretRef.key: Secret "${name}" has no key "${key}"`,
    };
  }
  return Buffer.from(value, 'base64');
}
