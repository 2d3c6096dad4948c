// The error a backend or client call is expected to fail with, for tests that check its code and
// message: any other outcome fails the test.
import { ProviderError } from '../errors';

/** The ProviderError `call` rejects with; throws when it resolves or rejects with anything else. */
export async function providerErrorOf(call: Promise<unknown>): Promise<ProviderError> {
  const failure = await call.then(
    () => {
      throw new Error('expected the call to fail with a ProviderError');
    },
    (err: unknown) => err,
  );
  if (failure instanceof ProviderError) return failure;
  throw failure;
}
