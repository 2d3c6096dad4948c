// Turns a parsed vim25 data object back into a request value, keeping element order, MoRefs and
// xsi:types. Edits of devices resend the object vCenter returned with one field changed, which is
// what vCenter expects and avoids restating every field of every device type here.
import { MoRef } from './moref';
import { Typed, type SoapValue, type XmlNode, xsiType } from './xml';

export function toSoapValue(node: XmlNode): SoapValue {
  if (typeof node === 'string') return node;
  const type = node['@_type'];
  const textValue = node['#text'];
  if (typeof type === 'string' && typeof textValue === 'string') return new MoRef(type, textValue);
  const fields: Record<string, SoapValue> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || value === undefined) continue;
    if (key === '#text') continue;
    fields[key] = Array.isArray(value) ? value.map(toSoapValue) : toSoapValue(value);
  }
  const objectType = xsiType(node);
  const content: SoapValue =
    Object.keys(fields).length === 0 && typeof textValue === 'string' ? textValue : fields;
  return objectType ? new Typed(objectType, content) : content;
}

/**
 * A copy of an object value (plain or typed) with some fields replaced in place and new ones
 * appended, so the WSDL order of what vCenter sent is kept.
 */
export function withFields(value: SoapValue, changes: Record<string, SoapValue>): SoapValue {
  if (value instanceof Typed) return new Typed(value.type, withFields(value.value, changes));
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof MoRef
  ) {
    throw new Error('withFields: not a data object');
  }
  return { ...value, ...changes };
}
