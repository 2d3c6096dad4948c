import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const options = { failureThreshold: 3, baseCooldownMs: 50, maxCooldownMs: 200 };

  it('opens after consecutive transport failures and fails fast', () => {
    const breaker = new CircuitBreaker('ns/p', options);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(() => breaker.admit()).not.toThrow();
    breaker.recordFailure();
    expect(() => breaker.admit()).toThrow(CircuitOpenError);
  });

  it('lets one trial call through after the cool-down, and closes on its success', async () => {
    const breaker = new CircuitBreaker('ns/p', options);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await new Promise((r) => setTimeout(r, 60));
    expect(() => breaker.admit()).not.toThrow();
    expect(() => breaker.admit()).toThrow(CircuitOpenError);
    breaker.recordSuccess();
    expect(() => breaker.admit()).not.toThrow();
    expect(breaker.isOpen).toBe(false);
  });

  it('doubles the cool-down when the trial fails', async () => {
    const breaker = new CircuitBreaker('ns/p', options);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await new Promise((r) => setTimeout(r, 60));
    breaker.admit();
    breaker.recordFailure();
    try {
      breaker.admit();
      throw new Error('expected the breaker to be open');
    } catch (err) {
      expect((err as CircuitOpenError).retryAfterMs).toBeGreaterThan(60);
    }
  });
});
