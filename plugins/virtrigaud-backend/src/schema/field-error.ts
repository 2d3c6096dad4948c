// A 400 that names the offending input. Its name stays `InputError`, so Backstage's error
// middleware answers 400, and `field` is serialized into the body's `error.field`.
import { InputError } from '@backstage/errors';

export class FieldInputError extends InputError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
