import { expect } from 'chai';
import fc from 'fast-check';
import type { LabelSelector } from './meta.js';
import { matchesAnySelector, matchesSelector, selectorListsIntersect, selectorsIntersect } from './selector.js';

const node = { 'kubernetes.io/hostname': 'node-a', rack: 'r1', zone: 'east' };

describe('label selectors', () => {
  const cases: Array<{ title: string; selector: LabelSelector; labels: Record<string, string> | undefined; want: boolean }> = [
    { title: 'an empty selector matches every node', selector: {}, labels: node, want: true },
    { title: 'an empty selector matches an object without labels', selector: {}, labels: undefined, want: true },
    { title: 'matchLabels matches an equal label', selector: { matchLabels: { rack: 'r1' } }, labels: node, want: true },
    { title: 'matchLabels rejects a different value', selector: { matchLabels: { rack: 'r2' } }, labels: node, want: false },
    { title: 'matchLabels rejects a missing label', selector: { matchLabels: { row: 'a' } }, labels: node, want: false },
    {
      title: 'every matchLabels entry must hold',
      selector: { matchLabels: { rack: 'r1', zone: 'west' } },
      labels: node,
      want: false,
    },
    {
      title: 'In matches a listed value',
      selector: { matchExpressions: [{ key: 'rack', operator: 'In', values: ['r0', 'r1'] }] },
      labels: node,
      want: true,
    },
    {
      title: 'In rejects an unlisted value',
      selector: { matchExpressions: [{ key: 'rack', operator: 'In', values: ['r0'] }] },
      labels: node,
      want: false,
    },
    {
      title: 'In rejects a missing label',
      selector: { matchExpressions: [{ key: 'row', operator: 'In', values: ['a'] }] },
      labels: node,
      want: false,
    },
    {
      title: 'NotIn rejects a listed value',
      selector: { matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r1'] }] },
      labels: node,
      want: false,
    },
    {
      title: 'NotIn matches a missing label',
      selector: { matchExpressions: [{ key: 'row', operator: 'NotIn', values: ['a'] }] },
      labels: node,
      want: true,
    },
    {
      title: 'Exists matches a present label whatever its value',
      selector: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] },
      labels: node,
      want: true,
    },
    {
      title: 'Exists rejects a missing label',
      selector: { matchExpressions: [{ key: 'row', operator: 'Exists' }] },
      labels: node,
      want: false,
    },
    {
      title: 'DoesNotExist matches a missing label',
      selector: { matchExpressions: [{ key: 'row', operator: 'DoesNotExist' }] },
      labels: node,
      want: true,
    },
    {
      title: 'DoesNotExist rejects a present label',
      selector: { matchExpressions: [{ key: 'rack', operator: 'DoesNotExist' }] },
      labels: node,
      want: false,
    },
    {
      title: 'matchLabels and matchExpressions are ANDed',
      selector: { matchLabels: { rack: 'r1' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['west'] }] },
      labels: node,
      want: false,
    },
    {
      title: 'a label named like an Object property does not exist unless set',
      selector: { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] },
      labels: {},
      want: false,
    },
    {
      title: 'an unknown operator selects nothing',
      selector: { matchExpressions: [{ key: 'rack', operator: 'Equals' as 'In', values: ['r1'] }] },
      labels: node,
      want: false,
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      expect(matchesSelector(c.selector, c.labels)).to.equal(c.want);
    });
  }

  it('a list of selectors matches when any of them matches, and an empty list matches nothing', () => {
    expect(matchesAnySelector([{ matchLabels: { rack: 'r9' } }, { matchLabels: { zone: 'east' } }], node)).to.equal(true);
    expect(matchesAnySelector([{ matchLabels: { rack: 'r9' } }], node)).to.equal(false);
    expect(matchesAnySelector([], node)).to.equal(false);
  });
});

describe('whether two selectors can pick the same node', () => {
  const cases: Array<{ title: string; a: LabelSelector; b: LabelSelector; want: boolean }> = [
    { title: 'two empty selectors overlap', a: {}, b: {}, want: true },
    { title: 'an empty selector overlaps any satisfiable one', a: {}, b: { matchLabels: { rack: 'r1' } }, want: true },
    { title: 'equal selectors overlap', a: { matchLabels: { rack: 'r1' } }, b: { matchLabels: { rack: 'r1' } }, want: true },
    { title: 'different values of one label never overlap', a: { matchLabels: { rack: 'r1' } }, b: { matchLabels: { rack: 'r2' } }, want: false },
    {
      title: 'selectors on different labels overlap, since one node may carry both',
      a: { matchLabels: { rack: 'r1' } },
      b: { matchLabels: { zone: 'east' } },
      want: true,
    },
    {
      title: 'Exists and DoesNotExist on one key never overlap',
      a: { matchExpressions: [{ key: 'edge', operator: 'Exists' }] },
      b: { matchExpressions: [{ key: 'edge', operator: 'DoesNotExist' }] },
      want: false,
    },
    {
      title: 'In and NotIn overlap when a value is left',
      a: { matchExpressions: [{ key: 'rack', operator: 'In', values: ['r1', 'r2'] }] },
      b: { matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r1'] }] },
      want: true,
    },
    {
      title: 'In and NotIn do not overlap when NotIn removes every value',
      a: { matchExpressions: [{ key: 'rack', operator: 'In', values: ['r1', 'r2'] }] },
      b: { matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r2', 'r1'] }] },
      want: false,
    },
    {
      title: 'NotIn and DoesNotExist overlap (a node without the label)',
      a: { matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r1'] }] },
      b: { matchExpressions: [{ key: 'rack', operator: 'DoesNotExist' }] },
      want: true,
    },
    {
      title: 'a selector that contradicts itself overlaps nothing',
      a: { matchLabels: { rack: 'r1' }, matchExpressions: [{ key: 'rack', operator: 'DoesNotExist' }] },
      b: {},
      want: false,
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      expect(selectorsIntersect(c.a, c.b)).to.equal(c.want);
      expect(selectorsIntersect(c.b, c.a)).to.equal(c.want);
    });
  }

  it('an empty list of node selectors stands for every node', () => {
    expect(selectorListsIntersect([], [{ matchLabels: { rack: 'r1' } }])).to.equal(true);
    expect(selectorListsIntersect([{ matchLabels: { rack: 'r2' } }], [{ matchLabels: { rack: 'r1' } }])).to.equal(false);
    expect(selectorListsIntersect([{ matchLabels: { rack: 'r2' } }, { matchLabels: { rack: 'r1' } }], [{ matchLabels: { rack: 'r1' } }])).to.equal(
      true,
    );
  });

  it('says two selectors overlap exactly when some label set matches both', () => {
    const keys = ['a', 'b', 'c'];
    const key = fc.constantFrom(...keys);
    const value = fc.constantFrom('1', '2', '3');
    const requirement = fc.oneof(
      fc.record({ key, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.array(value, { maxLength: 3 }) }),
      fc.record({ key, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const) }),
    );
    const selector = fc.record(
      { matchLabels: fc.dictionary(key, value, { maxKeys: 2 }), matchExpressions: fc.array(requirement, { maxLength: 3 }) },
      { requiredKeys: [] },
    );
    // Every label set over the keys: each key absent, or one of the values, or a value no selector names ('4').
    let labelSets: Array<Record<string, string>> = [{}];
    for (const k of keys) {
      labelSets = labelSets.flatMap((l) => [l, ...['1', '2', '3', '4'].map((v) => ({ ...l, [k]: v }))]);
    }
    fc.assert(
      fc.property(selector, selector, (a, b) => {
        const witness = labelSets.some((l) => matchesSelector(a, l) && matchesSelector(b, l));
        expect(selectorsIntersect(a, b)).to.equal(witness);
      }),
      { numRuns: 1000 },
    );
  });
});
