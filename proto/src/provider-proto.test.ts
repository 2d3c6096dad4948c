// Wire compatibility with the Go VirtRigaud: provider.proto must declare every RPC and every
// message field of GO-WIRE-LAYOUT.md with the same number and type. The expectations are read from
// that document's tables, so the layout is written down once, where a reader looks for it.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_PATH } from './names';

const contractPath = path.join(__dirname, '..', 'GO-WIRE-LAYOUT.md');
const contract = fs.readFileSync(contractPath, 'utf8');
// keepCase keeps the wire names (snake_case); alternateCommentMode reads `//` doc comments.
const root = protobuf.parse(fs.readFileSync(PROTO_PATH, 'utf8'), {
  keepCase: true,
  alternateCommentMode: true,
}).root;
const service = root.lookupService('provider.v1.Provider');

interface ExpectedField {
  name: string;
  id: number;
  type: string;
}

/** Rows of the markdown table that follows `heading`, as arrays of trimmed cells. */
function tableRows(heading: string): string[][] {
  const section = contract.split(heading)[1].split('\n## ')[0];
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** "a = 1: string, b = 2, c = 3 (all bool)" → fields; a trailing "(all T)" types untyped fields. */
function parseFields(cell: string): ExpectedField[] {
  if (cell === '(none)') return [];
  const allType = /\(all (\w+)\)/.exec(cell)?.[1];
  return cell
    .replace(/\(all \w+\)/, '')
    .split(/,(?![^<]*>)/)
    .map((part) => {
      const match = /^\s*(\w+) = (\d+)(?:: (.+))?\s*$/.exec(part);
      if (!match) throw new Error(`cannot parse field "${part}" in GO-WIRE-LAYOUT.md`);
      return { name: match[1], id: Number(match[2]), type: (match[3] ?? allType ?? '').trim() };
    });
}

/** The declared type of a protobufjs field in the contract's notation. */
function describeField(field: protobuf.Field): string {
  if (field instanceof protobuf.MapField) return `map<${field.keyType},${field.type}>`;
  return field.repeated ? `repeated ${field.type}` : field.type;
}

const messages = tableRows('## Messages').map(([name, fields]) => ({
  name,
  fields: parseFields(fields),
}));

describe('provider.proto against GO-WIRE-LAYOUT.md', () => {
  it('reads a non-trivial contract', () => {
    expect(messages.length).toBeGreaterThanOrEqual(30);
  });

  it.each(messages)(
    'message $name has the contract fields, numbers and types',
    ({ name, fields }) => {
      const type = root.lookupType(`provider.v1.${name}`);
      for (const expected of fields) {
        const actual = type.fields[expected.name];
        expect(actual).toBeDefined();
        expect({ name: expected.name, id: actual.id, type: describeField(actual) }).toEqual(
          expected,
        );
      }
    },
  );

  it('declares PowerOp with the contract values', () => {
    const values = root.lookupEnum('provider.v1.PowerOp').values;
    const section = contract.split('## Enum `PowerOp`')[1].split('\n## ')[0];
    const expected = Object.fromEntries(
      [...section.matchAll(/`(\w+) = (\d+)`/g)].map(([, name, value]) => [name, Number(value)]),
    );
    expect(Object.keys(expected)).toHaveLength(5);
    expect(values).toEqual(expected);
  });

  const rpcs = tableRows('## RPCs').flatMap(([names, signature]) => {
    const rpcNames = names.split('/').map((n) => n.trim());
    const [, responses] = signature.split('→').map((s) => s.trim());
    const responseNames = responses.split('/').map((r) => r.trim());
    return rpcNames.map((rpc, i) => ({
      rpc,
      request: /^(\w+) →/.exec(signature)?.[1] ?? `${rpc}Request`,
      response: responseNames[i] ?? responseNames[0],
    }));
  });

  it.each(rpcs)(
    'service Provider serves $rpc($request) returns ($response)',
    ({ rpc, request, response }) => {
      const method = service.methods[rpc];
      expect(method).toBeDefined();
      expect([method.requestType, method.responseType]).toEqual([request, response]);
    },
  );

  it('serves ListCapabilities as an alias with the GetCapabilities field layout', () => {
    const method = service.methods.ListCapabilities;
    expect([method.requestType, method.responseType]).toEqual([
      'CapabilitiesRequest',
      'CapabilitiesResponse',
    ]);
    const layout = (name: string) =>
      root
        .lookupType(`provider.v1.${name}`)
        .fieldsArray.map((f) => [f.id, f.name, describeField(f)]);
    expect(layout('CapabilitiesResponse')).toEqual(layout('GetCapabilitiesResponse'));
    expect(layout('CapabilitiesRequest')).toEqual(layout('GetCapabilitiesRequest'));
  });

  it('has a doc comment on every RPC and every field', () => {
    const types = (root.lookup('provider.v1') as protobuf.Namespace).nestedArray;
    const undocumented = [
      ...service.methodsArray.filter((m) => !m.comment).map((m) => `rpc ${m.name}`),
      ...types
        .filter((t): t is protobuf.Type => t instanceof protobuf.Type)
        .flatMap((t) => t.fieldsArray.filter((f) => !f.comment).map((f) => `${t.name}.${f.name}`)),
    ];
    expect(service.methodsArray.length).toBeGreaterThan(15);
    expect(undocumented).toEqual([]);
  });
});
