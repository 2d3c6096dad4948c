// The two ways to authenticate to Proxmox. An API token is a static header. A password login
// yields a ticket (a cookie valid for 2 hours) and a CSRF token for writes; the session renews it
// before it expires, and once more when Proxmox answers 401 anyway (clock skew, a restarted
// pveproxy), so callers never see an expired ticket.

export interface Credentials {
  kind: 'token' | 'password';
  /** Headers for one request. */
  headers(method: string, signal: AbortSignal): Promise<Record<string, string>>;
  /** Called after a 401: forget the session so the next `headers` logs in again. */
  invalidate(): void;
  /** Whether a request that got 401 is worth one more try (only with a renewable session). */
  readonly renewable: boolean;
}

export class TokenCredentials implements Credentials {
  readonly kind = 'token';
  readonly renewable = false;
  private readonly header: string;

  /** `tokenId` is `user@realm!tokenid`. */
  constructor(tokenId: string, secret: string) {
    this.header = `PVEAPIToken=${tokenId}=${secret}`;
  }

  async headers(): Promise<Record<string, string>> {
    return { Authorization: this.header };
  }

  invalidate(): void {}
}

export interface Ticket {
  ticket: string;
  csrf: string;
}

/** Logs in with `POST /access/ticket`; supplied by the client (it needs the transport). */
export type Login = (signal: AbortSignal) => Promise<Ticket>;

/** Proxmox tickets live 2 hours; renew well before, as the Proxmox GUI does. */
export const DEFAULT_TICKET_RENEW_AFTER_MS = 90 * 60 * 1000;

export class TicketCredentials implements Credentials {
  readonly kind = 'password';
  readonly renewable = true;
  private session?: { ticket: Ticket; obtainedAt: number };
  private pending?: Promise<Ticket>;

  constructor(
    private readonly login: Login,
    private readonly renewAfterMs = DEFAULT_TICKET_RENEW_AFTER_MS,
  ) {}

  async headers(method: string, signal: AbortSignal): Promise<Record<string, string>> {
    const { ticket, csrf } = await this.ticket(signal);
    return {
      Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}`,
      ...(method === 'GET' ? {} : { CSRFPreventionToken: csrf }),
    };
  }

  invalidate(): void {
    this.session = undefined;
  }

  private async ticket(signal: AbortSignal): Promise<Ticket> {
    if (this.session && Date.now() - this.session.obtainedAt < this.renewAfterMs) {
      return this.session.ticket;
    }
    // One login at a time, shared by every concurrent caller.
    this.pending ??= this.login(signal)
      .then((ticket) => {
        this.session = { ticket, obtainedAt: Date.now() };
        return ticket;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
