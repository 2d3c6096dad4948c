// Too many list items and too many map entries get the API server's one FieldValueTooMany wording.
import { compileSchema, schemaErrors } from './openapi-validation';
import type { Schema } from './schema';

const schema = {
  type: 'object',
  properties: {
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 },
  },
} as Schema;

it('reports too many items and too many properties alike', () => {
  const validate = compileSchema(schema);
  expect(schemaErrors(validate, { tags: ['a', 'b', 'c'], labels: { a: 'x', b: 'y' } })).toEqual(
    expect.arrayContaining([
      {
        reason: 'FieldValueTooMany',
        message: 'Too many: 3: must have at most 2 items',
        field: 'tags',
      },
      {
        reason: 'FieldValueTooMany',
        message: 'Too many: 2: must have at most 1 items',
        field: 'labels',
      },
    ]),
  );
});
