export {
  PveClient,
  apiPath,
  encodeParams,
  type PveClientOptions,
  type Params,
  type Authentication,
} from './pve-client';
export { PveApiError, Redactor, codeForStatus } from './errors';
export { TokenCredentials, TicketCredentials, DEFAULT_TICKET_RENEW_AFTER_MS } from './auth';
export { createAgent, normaliseFingerprint, type TlsPolicy } from './tls';
export {
  parseUpid,
  readTask,
  waitForTask,
  TaskFailedError,
  type Upid,
  type TaskState,
} from './tasks';
