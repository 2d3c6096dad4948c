// Field validation shared by all kinds, with the real server's messages.
import type { StatusCause } from './errors';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const required = (field: string): StatusCause => ({
  reason: 'FieldValueRequired',
  message: 'Required value',
  field,
});

export const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  field,
});

export const forbiddenField = (field: string, detail: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${detail}`,
  field,
});

export function dnsSubdomain(field: string, value: string): StatusCause[] {
  if (value.length > 253)
    return [invalidValue(field, value, 'must be no more than 253 characters')];
  return DNS_SUBDOMAIN.test(value)
    ? []
    : [
        invalidValue(
          field,
          value,
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
      ];
}

export function dnsLabel(field: string, value: string): StatusCause[] {
  if (value.length > 63) return [invalidValue(field, value, 'must be no more than 63 characters')];
  return DNS_LABEL.test(value)
    ? []
    : [
        invalidValue(
          field,
          value,
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
      ];
}

function qualifiedName(field: string, key: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ['', key];
  const causes = prefix ? dnsSubdomain(field, prefix) : [];
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    causes.push(
      invalidValue(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  }
  return causes;
}

export function labels(field: string, value: Record<string, unknown> | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, labelValue] of Object.entries(value ?? {})) {
    causes.push(...qualifiedName(field, key));
    if (typeof labelValue !== 'string' || labelValue.length > 63 || !LABEL_VALUE.test(labelValue)) {
      causes.push(
        invalidValue(
          field,
          labelValue,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  return causes;
}

export function annotations(
  field: string,
  value: Record<string, unknown> | undefined,
): StatusCause[] {
  return Object.keys(value ?? {}).flatMap((key) => qualifiedName(field, key));
}
