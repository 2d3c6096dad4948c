// A small typed vim25 client: one authenticated session per client, re-established
// transparently when vCenter forgets it (NotAuthenticated: idle expiry, restart, terminated).
import { ProviderError } from '@virtrigaud/provider-sdk';
import { parseFault, SoapFault, toProviderError } from './faults';
import { MoRef } from './moref';
import { HttpsTransport, type TlsPolicy } from './transport';
import {
  buildEnvelope,
  child,
  childText,
  moref,
  parseXml,
  soapBody,
  type SoapValue,
  type XmlNode,
} from './xml';

const SESSION_COOKIE = 'vmware_soap_session';
/** A login nobody waits for any more still ends (and frees the single-flight slot). */
const LOGIN_TIMEOUT_MS = 60_000;
/** The oldest API we speak; the session then uses the version the server reports. */
const BOOTSTRAP_VERSION = '6.5';

export interface ClientOptions {
  /** `https://host[:port]`; `/sdk` is appended when no path is given. */
  endpoint: string;
  username: string;
  password: string;
  tls: TlsPolicy;
  /** Shown in vCenter's session list, so administrators can tell which Provider is logged in. */
  userAgent?: string;
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  searchIndex: MoRef;
  sessionManager: MoRef;
  about: { apiType: string; apiVersion: string; instanceUuid: string; fullName: string };
}

function requiredRef(node: XmlNode | undefined, name: string): MoRef {
  const ref = moref(child(node, name));
  if (!ref) throw new Error(`ServiceContent without ${name}`);
  return ref;
}

function readServiceContent(node: XmlNode | undefined): ServiceContent {
  const about = child(node, 'about');
  return {
    rootFolder: requiredRef(node, 'rootFolder'),
    propertyCollector: requiredRef(node, 'propertyCollector'),
    viewManager: requiredRef(node, 'viewManager'),
    searchIndex: requiredRef(node, 'searchIndex'),
    sessionManager: requiredRef(node, 'sessionManager'),
    about: {
      apiType: childText(about, 'apiType') ?? 'VirtualCenter',
      apiVersion: childText(about, 'apiVersion') ?? BOOTSTRAP_VERSION,
      instanceUuid: childText(about, 'instanceUuid') ?? '',
      fullName: childText(about, 'fullName') ?? '',
    },
  };
}

export function sdkUrl(endpoint: string): URL {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:') throw new Error('endpoint: must be an https:// URL');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
  url.username = '';
  url.password = '';
  return url;
}

export class Vim25Client {
  readonly url: URL;
  private readonly transport: HttpsTransport;
  private cookie: string | undefined;
  private apiVersion = BOOTSTRAP_VERSION;
  private content: ServiceContent | undefined;
  private loggingIn: Promise<void> | undefined;
  /** Increments on every login, so session-scoped caches (views) know they are stale. */
  sessionGeneration = 0;

  constructor(private readonly options: ClientOptions) {
    this.url = sdkUrl(options.endpoint);
    this.transport = new HttpsTransport(this.url, options.tls);
  }

  /** The ServiceContent, fetched once; also logs in on first use. */
  async serviceContent(signal?: AbortSignal): Promise<ServiceContent> {
    if (!this.content) {
      const body = await this.send(
        'RetrieveServiceContent',
        new MoRef('ServiceInstance', 'ServiceInstance'),
        {},
        signal,
      );
      this.content = readServiceContent(child(body, 'returnval'));
      this.apiVersion = this.content.about.apiVersion;
    }
    if (!this.cookie) await this.login(signal);
    return this.content;
  }

  /**
   * Invokes `method` on `self` and returns the `returnval` node (undefined for void methods).
   * A NotAuthenticated fault triggers one fresh login and one retry; every other fault is thrown
   * as a SoapFault for the caller to interpret (see faults.ts).
   */
  async invoke(
    method: string,
    self: MoRef,
    args: Record<string, SoapValue> = {},
    signal?: AbortSignal,
  ): Promise<XmlNode | undefined> {
    await this.serviceContent(signal);
    const sessionUsed = this.sessionGeneration;
    try {
      return child(await this.send(method, self, args, signal), 'returnval');
    } catch (err) {
      if (!(err instanceof SoapFault) || err.faultType !== 'NotAuthenticated') throw err;
      if (this.sessionGeneration === sessionUsed) {
        this.cookie = undefined;
        await this.login(signal);
      }
      return child(await this.send(method, self, args, signal), 'returnval');
    }
  }

  /**
   * Re-logs in if the session is gone although the call did not fail: RetrievePropertiesEx
   * without a valid session may withhold the properties (missingSet NotAuthenticated, as vcsim
   * does) instead of raising NotAuthenticated. Callers missing what they asked for check here
   * before concluding it does not exist. Returns whether a new session was made.
   */
  async recoverUnreportedLogout(signal?: AbortSignal): Promise<boolean> {
    const content = await this.serviceContent(signal);
    const generation = this.sessionGeneration;
    const body = await this.send(
      'RetrievePropertiesEx',
      content.propertyCollector,
      {
        specSet: {
          propSet: { type: 'SessionManager', pathSet: ['currentSession'] },
          objectSet: { obj: content.sessionManager },
        },
        options: {},
      },
      signal,
    );
    const session = child(child(child(body, 'returnval'), 'objects'), 'propSet');
    if (session !== undefined) return false;
    if (this.sessionGeneration === generation) {
      this.cookie = undefined;
      await this.login(signal);
    }
    return true;
  }

  /**
   * Logs in once even when many calls notice the missing session at the same time. The login
   * itself is not tied to the first caller's signal (others wait for it too), but every caller
   * stops waiting when its own signal fires.
   */
  private login(signal?: AbortSignal): Promise<void> {
    this.loggingIn ??= this.doLogin().finally(() => {
      this.loggingIn = undefined;
    });
    return untilAborted(this.loggingIn, signal);
  }

  private async doLogin(): Promise<void> {
    const content = this.content!;
    this.cookie = undefined;
    try {
      await this.send(
        'Login',
        content.sessionManager,
        { userName: this.options.username, password: this.options.password },
        AbortSignal.timeout(LOGIN_TIMEOUT_MS),
      );
    } catch (err) {
      if (err instanceof SoapFault) throw toProviderError(err, 'login');
      throw err;
    }
    if (!this.cookie) throw new ProviderError('UNAUTHENTICATED', 'login: no session cookie');
    this.sessionGeneration += 1;
  }

  private async send(
    method: string,
    self: MoRef,
    args: Record<string, SoapValue>,
    signal?: AbortSignal,
  ): Promise<Record<string, XmlNode>> {
    const headers: Record<string, string> = {
      SOAPAction: `urn:vim25/${this.apiVersion}`,
      'User-Agent': this.options.userAgent ?? 'virtrigaud-provider-vsphere',
    };
    if (this.cookie) headers.Cookie = this.cookie;
    const response = await this.transport.post(buildEnvelope(method, self, args), headers, signal);
    this.rememberCookie(response.setCookie);
    const body = soapBody(parseXml(response.body));
    const faultKey = Object.keys(body).find((k) => k === 'Fault' || k.endsWith(':Fault'));
    if (faultKey) throw parseFault(body[faultKey]!);
    const result = body[`${method}Response`];
    if (result === undefined) {
      throw new Error(`${method}: unexpected response (HTTP ${response.status})`);
    }
    return (typeof result === 'object' ? result : {}) as Record<string, XmlNode>;
  }

  private rememberCookie(setCookie: string[]): void {
    for (const header of setCookie) {
      const [pair] = header.split(';');
      if (pair?.trim().startsWith(`${SESSION_COOKIE}=`)) this.cookie = pair.trim();
    }
  }

  /** Ends the session on vCenter (best effort) and closes the connections. */
  async close(): Promise<void> {
    try {
      if (this.cookie && this.content) await this.send('Logout', this.content.sessionManager, {});
    } catch {
      // The session may already be gone; closing must not fail shutdown.
    } finally {
      this.cookie = undefined;
      this.transport.close();
    }
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
