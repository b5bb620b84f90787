import { expect } from 'chai';
import { type CommunityValue, compareCommunities, isCommunityLiteral, parseCommunity } from './community.js';

describe('BGP communities', () => {
  const good: Array<[string, CommunityValue]> = [
    ['65000:100', { kind: 'standard', high: 65000, low: 100, text: '65000:100' }],
    ['0:0', { kind: 'standard', high: 0, low: 0, text: '0:0' }],
    ['65535:65535', { kind: 'standard', high: 65535, low: 65535, text: '65535:65535' }],
    ['065000:0100', { kind: 'standard', high: 65000, low: 100, text: '65000:100' }],
    [
      'large:4200000000:1:2',
      { kind: 'large', globalAdministrator: 4200000000, localData1: 1, localData2: 2, text: 'large:4200000000:1:2' },
    ],
    [
      'large:4294967295:4294967295:0',
      { kind: 'large', globalAdministrator: 4294967295, localData1: 4294967295, localData2: 0, text: 'large:4294967295:4294967295:0' },
    ],
  ];
  for (const [text, value] of good) {
    it(`reads ${text}`, () => {
      expect(parseCommunity(text)).to.deep.equal({ ok: true, value });
    });
  }

  const bad: Array<[string, string]> = [
    ['65536:1', '"65536:1": first part 65536 does not fit in 16 bits (at most 65535)'],
    ['1:65536', '"1:65536": second part 65536 does not fit in 16 bits (at most 65535)'],
    ['99999999:1', '"99999999:1": first part 99999999 does not fit in 16 bits (at most 65535)'],
    ['a:b', '"a:b": first part "a" is not a decimal number'],
    ['1:', '"1:": second part "" is not a decimal number'],
    ['-1:5', '"-1:5": first part "-1" is not a decimal number'],
    ['1:2:3', '"1:2:3" is not a community: write a:b (16-bit numbers) or large:a:b:c (32-bit numbers)'],
    ['large:1:2', '"large:1:2" is not a large community: write large:a:b:c with three 32-bit numbers'],
    ['large:4294967296:1:2', '"large:4294967296:1:2": global administrator 4294967296 does not fit in 32 bits (at most 4294967295)'],
    ['lar:1:2:3', '"lar:1:2:3" is not a community: write a:b (16-bit numbers) or large:a:b:c (32-bit numbers)'],
    ['large:1:2:00000000000000000000099999999999', '"large:1:2:00000000000000000000099999999999": second local data part 00000000000000000000099999999999 does not fit in 32 bits (at most 4294967295)'],
  ];
  for (const [text, error] of bad) {
    it(`refuses ${text}`, () => {
      expect(parseCommunity(text)).to.deep.equal({ ok: false, error });
    });
  }

  it('treats text without a colon as an alias name, not a literal', () => {
    expect(isCommunityLiteral('no-export-to-peers')).to.equal(false);
    expect(isCommunityLiteral('65000:1')).to.equal(true);
  });

  it('orders standard communities before large ones, then by number', () => {
    const values = ['large:1:1:1', '65000:2', '10:5', '65000:1'].map((t) => {
      const r = parseCommunity(t);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    });
    expect(values.sort(compareCommunities).map((v) => v.text)).to.deep.equal(['10:5', '65000:1', '65000:2', 'large:1:1:1']);
  });
});
