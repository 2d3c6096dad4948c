// The Provider's configuration (endpoint, credential files, endpointTLS, defaults) turned into
// what the Proxmox client and the backend need, naming the offending field when something is off.
import { invalidArgument, type BackendConfig } from '@virtrigaud/provider-sdk';
import type { Authentication, PveClientOptions } from '../client/pve-client';
import { normaliseFingerprint, type TlsPolicy } from '../client/tls';

export interface Defaults {
  node?: string;
  storage?: string;
  /** Default bridge for NICs whose network attachment names none. */
  network?: string;
  /**
   * Provider-wide cloud-init snippets (`options.proxmox.cicustom`, e.g.
   * `vendor=local:snippets/vendor.yaml`): files an administrator placed on a snippets storage,
   * since Proxmox's API cannot upload them.
   */
  cicustom?: string;
}

const CICUSTOM_PART = '(meta|network|user|vendor)=[a-z][a-z0-9\\-_.]*[a-z0-9]:[^,\\s=]+';
const CICUSTOM = new RegExp(`^${CICUSTOM_PART}(,${CICUSTOM_PART})*$`, 'i');

function cicustom(config: BackendConfig): string | undefined {
  const value = (config.options.proxmox as { cicustom?: unknown } | undefined)?.cicustom;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !CICUSTOM.test(value)) {
    throw invalidArgument(
      'proxmox.cicustom',
      'must be like user=<storage>:snippets/<file>[,vendor=...] (keys meta, network, user, vendor)',
    );
  }
  return value;
}

const TOKEN_ID = /^[^\s@!]+@[a-z][a-z0-9\-_.]*[a-z0-9]![a-z][a-z0-9\-_.]*$/i;
const USER_ID = /^[^\s@:]+@[a-z][a-z0-9\-_.]*[a-z0-9]$/i;

function credential(config: BackendConfig, key: string): string | undefined {
  const value = config.credentials[key]?.trim();
  return value ? value : undefined;
}

/** API token (`token_id` + `token_secret`) or password login (`username` + `password`). */
export function authentication(config: BackendConfig): Authentication {
  const tokenId = credential(config, 'token_id');
  const tokenSecret = credential(config, 'token_secret');
  if (tokenId || tokenSecret) {
    if (!tokenId || !TOKEN_ID.test(tokenId)) {
      throw invalidArgument('credentials.token_id', 'must be <user>@<realm>!<tokenid>');
    }
    if (!tokenSecret)
      throw invalidArgument('credentials.token_secret', 'missing or empty credential file');
    return { tokenId, tokenSecret };
  }
  const username = credential(config, 'username');
  const password = credential(config, 'password');
  if (!username && !password) {
    throw invalidArgument(
      'credentials',
      'need token_id and token_secret, or username and password',
    );
  }
  if (!username || !USER_ID.test(username)) {
    throw invalidArgument('credentials.username', 'must be <user>@<realm>, e.g. root@pam');
  }
  if (!password) throw invalidArgument('credentials.password', 'missing or empty credential file');
  return { username, password };
}

export function tlsPolicy(config: BackendConfig): TlsPolicy {
  const tls = config.options.endpointTLS ?? {};
  if (tls.insecureSkipVerify) {
    if (tls.fingerprint || tls.caSecretKey) {
      throw invalidArgument(
        'endpointTLS.insecureSkipVerify',
        'cannot be combined with caSecretKey or fingerprint',
      );
    }
    return { mode: 'insecure' };
  }
  if (tls.fingerprint) {
    try {
      return { mode: 'fingerprint', sha256: normaliseFingerprint(tls.fingerprint) };
    } catch {
      throw invalidArgument(
        'endpointTLS.fingerprint',
        'expected a SHA-256 fingerprint (AA:BB:..., 32 bytes)',
      );
    }
  }
  if (tls.caSecretKey) {
    const ca = credential(config, tls.caSecretKey);
    if (!ca)
      throw invalidArgument(
        `credentials.${tls.caSecretKey}`,
        'missing or empty CA file (endpointTLS.caSecretKey)',
      );
    return { mode: 'verify', ca };
  }
  return { mode: 'verify' };
}

export function clientOptions(config: BackendConfig): PveClientOptions {
  if (!/^https:\/\/[^/]+/.test(config.endpoint)) {
    throw invalidArgument(
      'endpoint',
      'must be the https:// URL of a Proxmox node, e.g. https://pve.example.com:8006',
    );
  }
  const tuning = (config.options.proxmox ?? {}) as {
    requestTimeoutMs?: number;
    ticketRenewAfterMs?: number;
  };
  return {
    endpoint: config.endpoint,
    auth: authentication(config),
    tls: tlsPolicy(config),
    timeoutMs: tuning.requestTimeoutMs,
    ticketRenewAfterMs: tuning.ticketRenewAfterMs,
    log: config.log,
  };
}

export function defaults(config: BackendConfig): Defaults {
  const given = config.options.defaults ?? {};
  return {
    node: given.node || undefined,
    storage: given.storage || undefined,
    network: given.network || undefined,
    cicustom: cicustom(config),
  };
}
