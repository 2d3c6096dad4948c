// Static CEL cost estimates against what kube-apiserver v1.28.7 estimates for the same rules.
// The real figures were measured by placing each rule under a list with maxItems M, so that
// cost × M just exceeds the 10,000,000 budget, and reading the factor the server reports
// ("exceeds budget by factor of 1.xxxxxxx"): cost = factor × 10^7 / M.
import { costExceededMessage, declType, estimateCost } from './cel-cost';
import type { Schema } from './schema';

const node: Schema = {
  type: 'object',
  properties: {
    s: { type: 'string' },
    b: { type: 'string', maxLength: 10 },
    l: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 3 } },
    m: { type: 'object', maxProperties: 7, additionalProperties: { type: 'integer' } },
    i: { type: 'integer' },
    o: { type: 'object', properties: { x: { type: 'string', maxLength: 4 } } },
    q: { 'x-kubernetes-int-or-string': true },
    ol: {
      type: 'array',
      maxItems: 4,
      items: {
        type: 'object',
        properties: { n: { type: 'string', maxLength: 8 }, v: { type: 'integer' } },
      },
    },
  },
};

const MEASURED: [rule: string, realCost: number][] = [
  ["self.s == 'abc'", 3],
  ["self.s.startsWith('x')", 3],
  ["self.s.matches('^a+$')", 314575],
  ["self.b.contains('z')", 6],
  ['size(self.s) > 3', 4],
  ['self.l.all(x, x.size() < 3)', 33],
  ["self.l.exists(x, x == 'a')", 33],
  ["'a' in self.l", 7],
  ["self.l.filter(x, x != 'a').size() > 0", 90],
  ["self.l.map(x, x + 'a').size() > 0", 90],
  ['self.m.all(k, self.m[k] > 0)', 59],
  ["has(self.o) && self.o.x == 'q'", 6],
  ["self.i > 3 ? self.b == 'a' : self.s == 'b'", 6],
  ["self.b + self.b == 'xx'", 13],
  ["self.b.lowerAscii() == 'a'", 7],
  ['self.l.size() == 2', 4],
  ['self.s < self.b', 8],
  ["self.ol.exists(e, e.n == 'a' && e.v > 1)", 43],
  ["self.l.exists_one(x, x == 'a')", 24],
  ["self.b.split(',').size() > 1", 12],
  ["self.b.indexOf('a') > 0", 7],
  ['[1,2,3].all(x, x > 0)', 26],
  ["{'a': 1}.size() == 1", 32],
  ['self.q == 1', 3],
  ["self.m == {'a': 1}", 33],
  ["self.l == ['a']", 13],
  ["self.b.substring(1) == 'c'", 7],
];

it.each(MEASURED)('estimates %s as the real server does (%d)', (rule, realCost) => {
  expect(estimateCost(rule, declType(node)!)).toBe(realCost);
});

it('words an exceeded budget as the real server does', () => {
  expect(costExceededMessage('estimated rule cost', 10_066_981, 10_000_000)).toMatch(
    /^estimated rule cost exceeds budget by factor of 1\.006698x \(try simplifying/,
  );
  expect(costExceededMessage('estimated rule cost', 25_000_000, 10_000_000)).toContain('2.5x');
  expect(costExceededMessage('estimated rule cost', 2e9, 10_000_000)).toContain('more than 100x');
});
