// SOAP envelopes for vim25, built with xmlbuilder2 and parsed with fast-xml-parser, so every value
// is escaped by a real XML library and no request is assembled by string concatenation.
//
// Request values are plain JS: strings/numbers/booleans become text, arrays repeat their element,
// objects nest, `MoRef` becomes `<x type="T">value</x>` and `typed(type, value)` adds xsi:type
// (needed where the WSDL declares a base type or anyType). vim25 is an XML Schema *sequence*
// language: vCenter rejects out-of-order elements, so object keys must be written in WSDL order.
import { XMLParser } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { MoRef } from './moref';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';
const VIM25 = 'urn:vim25';

/** A value carrying an explicit xsi:type (a subtype of the declared type, or xsd:string for anyType). */
export class Typed {
  constructor(
    readonly type: string,
    readonly value: SoapValue,
  ) {}
}

export function typed(type: string, value: SoapValue): Typed {
  return new Typed(type, value);
}

export type SoapValue =
  | string
  | number
  | boolean
  | undefined
  | MoRef
  | Typed
  | SoapValue[]
  | { [key: string]: SoapValue };

function appendValue(parent: XMLBuilder, name: string, value: SoapValue): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) appendValue(parent, name, item);
    return;
  }
  const element = parent.ele(VIM25, name);
  writeContent(element, value);
}

function writeContent(element: XMLBuilder, value: SoapValue): void {
  if (value instanceof MoRef) {
    element.att('type', value.type).txt(value.value);
  } else if (value instanceof Typed) {
    element.att(XSI, 'xsi:type', value.type);
    writeContent(element, value.value);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) appendValue(element, key, child as SoapValue);
  } else if (value !== undefined) {
    element.txt(String(value));
  }
}

/** The request envelope for `method` on managed object `self` with arguments in WSDL order. */
export function buildEnvelope(
  method: string,
  self: MoRef,
  args: Record<string, SoapValue> = {},
): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(SOAP_ENV, 'soapenv:Envelope')
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:xsi', XSI)
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:xsd', XSD);
  const call = doc.ele(SOAP_ENV, 'soapenv:Body').ele(VIM25, method);
  appendValue(call, '_this', self);
  for (const [name, value] of Object.entries(args)) appendValue(call, name, value);
  return doc.end();
}

/** A parsed XML element: attributes as `@_name`, text as `#text`, children by local name. */
export type XmlNode = { [key: string]: XmlNode | XmlNode[] | string | undefined } | string;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: vim25 strings such as names must not turn into numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

/** Parses a response; element names keep their prefix only for the soapenv envelope parts. */
export function parseXml(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

/** The first child of the SOAP Body, whatever prefix the server used for the envelope. */
export function soapBody(doc: XmlNode): Record<string, XmlNode> {
  const envelope = childEndingWith(doc, 'Envelope');
  const body = envelope && childEndingWith(envelope, 'Body');
  if (!body || typeof body === 'string') throw new Error('response is not a SOAP envelope');
  return body as Record<string, XmlNode>;
}

function childEndingWith(node: XmlNode, localName: string): XmlNode | undefined {
  if (typeof node === 'string') return undefined;
  const key = Object.keys(node).find((k) => k === localName || k.endsWith(`:${localName}`));
  const found = key === undefined ? undefined : node[key];
  return Array.isArray(found) ? found[0] : found;
}

// Readers for parsed nodes: vim25 arrays with one element parse as a single node, so array
// fields are always read through `list`.
export function list(node: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[name];
  return Array.isArray(value) ? value[0] : value;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string') return [];
  return list(node[name]);
}

export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const value = node['#text'];
  return typeof value === 'string' ? value : '';
}

export function childText(node: XmlNode | undefined, name: string): string | undefined {
  return text(child(node, name));
}

/**
 * The xsi:type of an element. Servers bind the XML Schema instance namespace to different prefixes
 * (vCenter "xsi", vcsim also "XMLSchema-instance"); in vim25 the only prefixed `type` attribute is
 * xsi:type (a MoRef's own `type` attribute is unprefixed).
 */
export function xsiType(node: XmlNode | undefined): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const key = Object.keys(node).find((k) => /^@_[^:]+:type$/.test(k) && !k.startsWith('@_xmlns'));
  const value = key === undefined ? undefined : node[key];
  return typeof value === 'string' ? value.replace(/^[^:]*:/, '') : undefined;
}

export function moref(node: XmlNode | undefined): MoRef | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const type = node['@_type'];
  const value = node['#text'];
  return typeof type === 'string' && typeof value === 'string' ? new MoRef(type, value) : undefined;
}

/** An ArrayOfManagedObjectReference property value. */
export function morefList(node: XmlNode | undefined): MoRef[] {
  return children(node, 'ManagedObjectReference')
    .map((item) => moref(item))
    .filter((ref): ref is MoRef => ref !== undefined);
}
