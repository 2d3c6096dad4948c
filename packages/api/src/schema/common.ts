// Building blocks shared by the kinds. Every helper emits only what a Kubernetes *structural*
// schema accepts (no const/oneOf/patternProperties/additionalProperties:false), so the same
// definition is both our TypeScript type and a valid CRD openAPIV3Schema.
import {
  Type,
  type Static,
  type TSchema,
  type TObject,
  type TProperties,
  type ObjectOptions,
} from '@sinclair/typebox';

export const DNS_SUBDOMAIN_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Kubernetes resource quantity (cpu "500m", memory "2Gi", ...). */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
/** Go-style duration, the form Kubernetes users write timeouts in ("90s", "5m", "1h30m"). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

/** A string restricted to the given values, emitted as a plain `enum` (CRDs do not accept `const`). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description: string; default?: T[number] },
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A map with string keys, emitted with additionalProperties (CRDs reject patternProperties). */
export function MapOf<T extends TSchema>(
  values: T,
  options: { description: string; maxProperties?: number },
) {
  return Type.Unsafe<Record<string, Static<T>>>({
    type: 'object',
    additionalProperties: values,
    ...options,
  });
}

/** A string→string map (annotations). */
export function StringMap(options: { description: string; maxProperties?: number }) {
  return MapOf(Type.String(), options);
}

/** Kubernetes label-value syntax: at most 63 characters, alphanumeric at both ends. */
export const LABEL_VALUE_PATTERN = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

/**
 * A map of label values (labels, selectors, nodeSelector). The bounded value length is also what
 * lets a CEL rule iterate over the map within the API server's cost budget.
 */
export function LabelMap(options: { description: string; maxProperties: number }) {
  return MapOf(Type.String({ maxLength: 63, pattern: LABEL_VALUE_PATTERN }), options);
}

/** Free-form object kept as-is (Kubernetes core types such as affinity that we pass through). */
export function Opaque(description: string) {
  return Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description,
  });
}

/**
 * A Kubernetes quantity, accepted as a number or a string like the core API does. A structural
 * schema allows only the bare `anyOf: [{type: integer}, {type: string}]` for int-or-string, so
 * the bounds sit beside it: `minimum` applies to numbers only and `pattern` to strings only.
 */
export function Quantity(description: string) {
  return Type.Unsafe<string | number>({
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    minimum: 0,
    pattern: QUANTITY_PATTERN,
    description,
  });
}

export function ObjectName(description: string) {
  return Type.String({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN, description });
}

export function Duration(description: string, defaultValue?: string) {
  return Type.String({
    pattern: DURATION_PATTERN,
    maxLength: 32,
    description,
    ...(defaultValue ? { default: defaultValue } : {}),
  });
}

/** A reference to an object of the given kind in the same namespace. */
export function LocalRef(kind: string) {
  return Type.Object(
    { name: ObjectName(`Name of the ${kind}.`) },
    { description: `Reference to a ${kind} in the same namespace.` },
  );
}

/** A reference to a Secret key; `key` defaults to the conventional one for the field. */
export function SecretKeyRef(defaultKey: string, description: string) {
  return Type.Object(
    {
      name: ObjectName('Name of the Secret, in the namespace of the referring object.'),
      key: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 253,
          default: defaultKey,
          description: `Key in the Secret (default "${defaultKey}").`,
        }),
      ),
    },
    { description },
  );
}

/**
 * The `default` of an object whose fields have defaults: the fields' defaults written out. The
 * API server checks an object's default against its CEL rules as given, without filling in the
 * fields' own defaults first, so `default: {}` would fail a rule such as `self.burst >= self.qps`.
 */
export function defaultsOf(properties: TProperties): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, schema]) => 'default' in schema)
      .map(([name, schema]) => [name, (schema as { default: unknown }).default]),
  );
}

/** An object whose rules span several fields, written as Kubernetes CEL validation rules. */
export function ObjectWithRules<T extends TProperties>(
  properties: T,
  rules: { rule: string; message: string; fieldPath?: string }[],
  options: ObjectOptions,
): TObject<T> {
  return Type.Object(properties, { ...options, 'x-kubernetes-validations': rules });
}

export const Condition = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 316, description: 'Condition type, e.g. Ready.' }),
    status: StringEnum(['True', 'False', 'Unknown'] as const, {
      description: 'Whether the condition holds.',
    }),
    reason: Type.String({
      maxLength: 1024,
      description: 'Machine-readable CamelCase reason for the last transition.',
    }),
    message: Type.String({ maxLength: 32768, description: 'Human-readable details.' }),
    lastTransitionTime: Type.String({
      format: 'date-time',
      description: 'When the status last changed.',
    }),
    observedGeneration: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'metadata.generation the condition was computed from.',
      }),
    ),
  },
  { description: 'A Kubernetes-convention condition.' },
);

/** `conditions` as Kubernetes conventions lay them out: a list map keyed by type. */
export function Conditions() {
  return Type.Array(Condition, {
    description: 'Observations of the object state (Ready plus kind-specific types).',
    maxItems: 32,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
}

export function ObservedGeneration() {
  return Type.Integer({
    minimum: 0,
    description: 'The metadata.generation the controller last acted on.',
  });
}

/** Makes every property of a status optional: controllers fill status incrementally. */
export function Status<T extends TProperties>(properties: T, description: string) {
  return Type.Partial(Type.Object(properties, { description }));
}

export type { TSchema };
