// Authentication as Proxmox does it: API tokens in `Authorization: PVEAPIToken=<user>@<realm>!<id>=
// <secret>`, or a ticket (`PVEAuthCookie` cookie) from `POST /access/ticket` that expires after its
// lifetime (2 h in Proxmox) and needs the `CSRFPreventionToken` header on every write.
import { randomBytes } from 'node:crypto';
import { PveError } from './pve-error';

export interface SimToken {
  /** `user@realm!tokenid` */
  id: string;
  secret: string;
  /** False for a token that may only read (writes answer 403). */
  privileged?: boolean;
}

export interface SimUser {
  /** `user@realm` */
  username: string;
  password: string;
}

interface Ticket {
  username: string;
  csrf: string;
  issuedAt: number;
}

export interface Caller {
  user: string;
  privileged: boolean;
}

const TOKEN_HEADER = /^PVEAPIToken=([^!\s]+![^=\s]+)=(\S+)$/;

export class Authenticator {
  private readonly tickets = new Map<string, Ticket>();
  /** How long a ticket is valid; Proxmox: 2 hours. Tests shorten it to prove renewal. */
  ticketLifetimeMs = 2 * 60 * 60 * 1000;
  ticketsIssued = 0;

  constructor(
    private readonly tokens: SimToken[],
    private readonly users: SimUser[],
  ) {}

  /** Ages every ticket issued so far past its lifetime, as two hours passing would. */
  expireTickets(): void {
    for (const ticket of this.tickets.values()) ticket.issuedAt = -Infinity;
  }

  login(username: string, password: string): Record<string, string> {
    const user = this.users.find((u) => u.username === username && u.password === password);
    if (!user) throw new PveError(401, 'authentication failure');
    const ticket = `PVE:${username}:${randomBytes(16).toString('hex').toUpperCase()}`;
    const csrf = randomBytes(16).toString('hex');
    this.tickets.set(ticket, { username, csrf, issuedAt: Date.now() });
    this.ticketsIssued++;
    return { username, ticket, CSRFPreventionToken: csrf };
  }

  /** The caller of a request, or a 401 the way Proxmox answers it. */
  authenticate(method: string, headers: Record<string, string | string[] | undefined>): Caller {
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('PVEAPIToken=')) {
      return this.byToken(authorization);
    }
    const ticket = /(?:^|;\s*)PVEAuthCookie=([^;]+)/.exec(String(headers.cookie ?? ''))?.[1];
    if (!ticket) throw new PveError(401, 'No ticket');
    const session = this.tickets.get(decodeURIComponent(ticket));
    if (!session || Date.now() - session.issuedAt > this.ticketLifetimeMs) {
      throw new PveError(401, 'authentication failure');
    }
    if (method !== 'GET' && headers.csrfpreventiontoken !== session.csrf) {
      throw new PveError(401, 'Permission denied - invalid csrf token');
    }
    return { user: session.username, privileged: true };
  }

  private byToken(header: string): Caller {
    const [, id, secret] = TOKEN_HEADER.exec(header) ?? [];
    const token = this.tokens.find((t) => t.id === id && t.secret === secret);
    if (!token) throw new PveError(401, 'invalid token value!');
    return { user: id, privileged: token.privileged !== false };
  }
}
