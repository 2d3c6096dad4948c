// Fault injection: what makes the mock hypervisor slow, flaky or unreachable.
export interface Faults {
  /** The hypervisor does not answer: every call is UNAVAILABLE (health goes NOT_SERVING). */
  down?: boolean;
  /** Added to every hypervisor call. */
  callLatencyMs?: number;
  /** Share (0..1) of calls that fail with UNAVAILABLE, and of tasks that end with an error. */
  errorRate?: number;
}
