// The error shape of the simulated API: an HTTP status, Proxmox's message (sent as the reason
// phrase and in `message`) and, for parameter verification, the per-parameter `errors`.
export class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}
