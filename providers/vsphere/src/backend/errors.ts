// Turns vim25 faults into the provider's errors at the edge of every backend operation.
import { SoapFault, toProviderError } from '../vim25/faults';

export async function guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw err instanceof SoapFault ? toProviderError(err, what) : err;
  }
}

export function isFault(err: unknown, ...types: string[]): err is SoapFault {
  return err instanceof SoapFault && types.includes(err.faultType);
}
