import { expect } from 'chai';
import type { SessionCodecOptions } from '../messages.js';
import { UPDATE_ERROR, type AttributeIssue } from './errors.js';
import { decodeMessage } from './message.js';
import { EBGP2, EBGP4, IBGP4, MANDATORY_4, ONE_PREFIX, hex, rawUpdate, updateOf } from './test-updates.js';

type Expectation =
  | { reset: number; data?: string }
  | { issues: readonly [number, AttributeIssue['action']][]; withdraw: boolean };

interface Case {
  name: string;
  parts: { withdrawn?: string; attributes?: string; nlri?: string };
  options?: SessionCodecOptions;
  expect: Expectation;
}

const TAW = 'treat-as-withdraw' as const;
const DISCARD = 'attribute-discard' as const;
const V6_REACH = '80 0e 1c 0002 01 10 20010db8000000000000000000000001 00 30 20010db80001';

/** RFC 7606 (and RFC 4271 6.3, RFC 4760 7, RFC 6793 6, RFC 8092 6) outcomes, one row per rule. */
const CASES: Case[] = [
  // Section 4: the attribute list itself.
  {
    name: 'an attribute whose length overruns the list, with NLRI to withdraw',
    parts: { attributes: `${MANDATORY_4} 80 04 08 00000000`, nlri: ONE_PREFIX },
    expect: { issues: [[4, TAW]], withdraw: true },
  },
  {
    name: 'fewer than three octets left for an attribute header',
    parts: { attributes: `${MANDATORY_4} 80 04`, nlri: ONE_PREFIX },
    expect: { issues: [[4, TAW]], withdraw: true },
  },
  {
    name: 'a broken attribute list with no NLRI found (an MP_REACH_NLRI may hide behind it): session reset',
    parts: { attributes: '40 01 01 00  40 02 09 02 01 0000fde9' },
    expect: { reset: UPDATE_ERROR.malformedAttributeList },
  },
  {
    name: 'a broken attribute list after MP_REACH_NLRI, which RFC 7606 5.1 puts first',
    parts: { attributes: `${V6_REACH} 40 01 01 00  40 02 09 02 01 0000fde9` },
    expect: { issues: [[2, TAW]], withdraw: true },
  },
  // Section 5.3: NLRI fields.
  { name: 'an IPv4 prefix longer than 32 bits in the NLRI', parts: { attributes: MANDATORY_4, nlri: '21 0a000000 00' }, expect: { reset: UPDATE_ERROR.invalidNetworkField } },
  { name: 'an NLRI prefix cut short', parts: { attributes: MANDATORY_4, nlri: '18 c633' }, expect: { reset: UPDATE_ERROR.invalidNetworkField } },
  { name: 'a withdrawn prefix cut short', parts: { withdrawn: '20 0a00' }, expect: { reset: UPDATE_ERROR.invalidNetworkField } },
  // Section 3.d: well-known mandatory attributes.
  { name: 'NLRI without ORIGIN', parts: { attributes: '40 02 06 02 01 0000fde9  40 03 04 c0000201', nlri: ONE_PREFIX }, expect: { issues: [[1, TAW]], withdraw: true } },
  { name: 'NLRI without AS_PATH', parts: { attributes: '40 01 01 00  40 03 04 c0000201', nlri: ONE_PREFIX }, expect: { issues: [[2, TAW]], withdraw: true } },
  { name: 'NLRI without NEXT_HOP', parts: { attributes: '40 01 01 00  40 02 06 02 01 0000fde9', nlri: ONE_PREFIX }, expect: { issues: [[3, TAW]], withdraw: true } },
  { name: 'MP_REACH_NLRI without NEXT_HOP (RFC 4760 needs none)', parts: { attributes: `${V6_REACH} 40 01 01 00  40 02 06 02 01 0000fde9` }, expect: { issues: [], withdraw: false } },
  { name: 'withdrawals only, with no attributes at all', parts: { withdrawn: ONE_PREFIX }, expect: { issues: [], withdraw: false } },
  // Section 3.c: flags.
  { name: 'ORIGIN marked optional', parts: { attributes: `c0 01 01 00 ${MANDATORY_4.slice(11)}`, nlri: ONE_PREFIX }, expect: { issues: [[1, TAW]], withdraw: true } },
  { name: 'MULTI_EXIT_DISC marked transitive', parts: { attributes: `${MANDATORY_4} c0 04 04 00000001`, nlri: ONE_PREFIX }, expect: { issues: [[4, TAW]], withdraw: true } },
  {
    name: 'MP_REACH_NLRI marked transitive: still read, so its prefixes can be withdrawn',
    parts: { attributes: `c${V6_REACH.slice(1)} 40 01 01 00  40 02 06 02 01 0000fde9` },
    expect: { issues: [[14, TAW]], withdraw: true },
  },
  // Section 3.g: repeats.
  { name: 'COMMUNITIES twice: the second is dropped', parts: { attributes: `${MANDATORY_4} c0 08 04 00000001  c0 08 04 00000002`, nlri: ONE_PREFIX }, expect: { issues: [[8, DISCARD]], withdraw: false } },
  { name: 'MP_REACH_NLRI twice', parts: { attributes: `${V6_REACH} ${V6_REACH}` }, expect: { reset: UPDATE_ERROR.malformedAttributeList } },
  // RFC 4271 6.3: a well-known attribute Herald does not know.
  { name: 'an unrecognized well-known attribute', parts: { attributes: `${MANDATORY_4} 40 28 01 07`, nlri: ONE_PREFIX }, expect: { reset: UPDATE_ERROR.unrecognizedWellKnownAttribute, data: '40280107' } },
  // Section 7: per attribute.
  { name: 'ORIGIN of length 2', parts: { attributes: `40 01 02 0000 ${MANDATORY_4.slice(11)}`, nlri: ONE_PREFIX }, expect: { issues: [[1, TAW]], withdraw: true } },
  { name: 'ORIGIN of value 3', parts: { attributes: `40 01 01 03 ${MANDATORY_4.slice(11)}`, nlri: ONE_PREFIX }, expect: { issues: [[1, TAW]], withdraw: true } },
  { name: 'AS_PATH with segment type 5', parts: { attributes: '40 01 01 00  40 02 06 05 01 0000fde9  40 03 04 c0000201', nlri: ONE_PREFIX }, expect: { issues: [[2, TAW]], withdraw: true } },
  { name: 'AS_PATH with an empty segment', parts: { attributes: '40 01 01 00  40 02 02 02 00  40 03 04 c0000201', nlri: ONE_PREFIX }, expect: { issues: [[2, TAW]], withdraw: true } },
  { name: 'AS_PATH segment that overruns the attribute', parts: { attributes: '40 01 01 00  40 02 06 02 02 0000fde9  40 03 04 c0000201', nlri: ONE_PREFIX }, expect: { issues: [[2, TAW]], withdraw: true } },
  { name: 'AS_PATH with a lone trailing octet', parts: { attributes: '40 01 01 00  40 02 07 02 01 0000fde9 02  40 03 04 c0000201', nlri: ONE_PREFIX }, expect: { issues: [[2, TAW]], withdraw: true } },
  { name: 'NEXT_HOP of length 5', parts: { attributes: '40 01 01 00  40 02 00  40 03 05 c000020100', nlri: ONE_PREFIX }, expect: { issues: [[3, TAW]], withdraw: true } },
  { name: 'NEXT_HOP 0.0.0.0', parts: { attributes: '40 01 01 00  40 02 00  40 03 04 00000000', nlri: ONE_PREFIX }, expect: { issues: [[3, TAW]], withdraw: true } },
  { name: 'NEXT_HOP 224.0.0.1 (multicast)', parts: { attributes: '40 01 01 00  40 02 00  40 03 04 e0000001', nlri: ONE_PREFIX }, expect: { issues: [[3, TAW]], withdraw: true } },
  { name: 'a bad NEXT_HOP in an UPDATE without body NLRI is ignored', parts: { attributes: `${V6_REACH} 40 01 01 00  40 02 00  40 03 04 00000000` }, expect: { issues: [[3, DISCARD]], withdraw: false } },
  { name: 'MULTI_EXIT_DISC of length 3', parts: { attributes: `${MANDATORY_4} 80 04 03 000001`, nlri: ONE_PREFIX }, expect: { issues: [[4, TAW]], withdraw: true } },
  { name: 'LOCAL_PREF of length 3 from an iBGP peer', parts: { attributes: `${MANDATORY_4} 40 05 03 000064`, nlri: ONE_PREFIX }, options: IBGP4, expect: { issues: [[5, TAW]], withdraw: true } },
  { name: 'LOCAL_PREF from an eBGP peer', parts: { attributes: `${MANDATORY_4} 40 05 04 00000064`, nlri: ONE_PREFIX }, expect: { issues: [[5, DISCARD]], withdraw: false } },
  { name: 'ATOMIC_AGGREGATE of length 1', parts: { attributes: `${MANDATORY_4} 40 06 01 00`, nlri: ONE_PREFIX }, expect: { issues: [[6, DISCARD]], withdraw: false } },
  { name: 'AGGREGATOR of length 6 on a 4-octet session', parts: { attributes: `${MANDATORY_4} c0 07 06 fde9 0a000001`, nlri: ONE_PREFIX }, expect: { issues: [[7, DISCARD]], withdraw: false } },
  { name: 'COMMUNITIES of length 5', parts: { attributes: `${MANDATORY_4} c0 08 05 0000000100`, nlri: ONE_PREFIX }, expect: { issues: [[8, TAW]], withdraw: true } },
  { name: 'COMMUNITIES of length 0', parts: { attributes: `${MANDATORY_4} c0 08 00`, nlri: ONE_PREFIX }, expect: { issues: [[8, TAW]], withdraw: true } },
  { name: 'EXTENDED_COMMUNITIES of length 12', parts: { attributes: `${MANDATORY_4} c0 10 0c 000000000000000000000000`, nlri: ONE_PREFIX }, expect: { issues: [[16, TAW]], withdraw: true } },
  { name: 'LARGE_COMMUNITIES of length 13', parts: { attributes: `${MANDATORY_4} c0 20 0d 00000001000000020000000300`, nlri: ONE_PREFIX }, expect: { issues: [[32, TAW]], withdraw: true } },
  { name: 'MP_REACH_NLRI with a 4-octet next hop for IPv6', parts: { attributes: '80 0e 0a 0002 01 04 c0000201 00 00' }, expect: { reset: UPDATE_ERROR.optionalAttributeError, data: '800e0a00020104c00002010000' } },
  { name: 'MP_REACH_NLRI with an IPv6 next hop for IPv4 (RFC 8950, not negotiated)', parts: { attributes: '80 0e 15 0001 01 10 20010db8000000000000000000000001 00' }, expect: { reset: UPDATE_ERROR.optionalAttributeError } },
  { name: 'MP_REACH_NLRI shorter than 5 octets', parts: { attributes: '80 0e 03 0002 01' }, expect: { reset: UPDATE_ERROR.optionalAttributeError } },
  { name: 'MP_REACH_NLRI with a prefix cut short', parts: { attributes: '80 0e 18 0002 01 10 20010db8000000000000000000000001 00 30 20010db8' }, expect: { reset: UPDATE_ERROR.optionalAttributeError } },
  { name: 'MP_UNREACH_NLRI with a prefix longer than 128 bits', parts: { attributes: '80 0f 05 0002 01 81 00' }, expect: { reset: UPDATE_ERROR.optionalAttributeError } },
  { name: 'MP_REACH_NLRI for a family Herald did not negotiate', parts: { attributes: '80 0e 0b 0019 46 04 c0000201 00 0102' }, expect: { issues: [[14, DISCARD]], withdraw: false } },
  { name: 'AS4_PATH on a 4-octet session', parts: { attributes: `${MANDATORY_4} c0 11 06 02 01 fa56ea01`, nlri: ONE_PREFIX }, expect: { issues: [[17, DISCARD]], withdraw: false } },
  {
    name: 'a malformed AS4_PATH on a 2-octet session',
    parts: { attributes: '40 01 01 00  40 02 04 02 01 5ba0  40 03 04 c0000201  c0 11 03 02 01 fa', nlri: ONE_PREFIX },
    options: EBGP2,
    expect: { issues: [[17, DISCARD]], withdraw: false },
  },
  {
    name: 'AS4_AGGREGATOR of length 6 on a 2-octet session',
    parts: { attributes: '40 01 01 00  40 02 04 02 01 5ba0  40 03 04 c0000201  c0 12 06 fde90a000001', nlri: ONE_PREFIX },
    options: EBGP2,
    expect: { issues: [[18, DISCARD]], withdraw: false },
  },
];

describe('UPDATE error handling (RFC 7606)', () => {
  for (const c of CASES) {
    const outcome =
      'reset' in c.expect
        ? `resets the session (UPDATE Message Error subcode ${c.expect.reset})`
        : c.expect.issues.length === 0
          ? 'accepts it'
          : c.expect.issues.map(([code, action]) => `${action} for attribute ${code}`).join(', ');
    it(`${c.name}: ${outcome}`, () => {
      const result = decodeMessage(rawUpdate(c.parts), c.options ?? EBGP4);
      if ('reset' in c.expect) {
        expect(result.ok, JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? `${v}` : v))).to.equal(false);
        if (result.ok) return;
        expect([result.error.code, result.error.subcode]).to.deep.equal([3, c.expect.reset]);
        expect(result.error.reason).to.be.a('string').and.not.equal('');
        if (c.expect.data !== undefined) expect(hex(result.error.data)).to.equal(c.expect.data);
        return;
      }
      const update = updateOf(result);
      expect(update.issues.map((i) => [i.code, i.action])).to.deep.equal(c.expect.issues);
      expect(update.treatAsWithdraw).to.equal(c.expect.withdraw);
      for (const i of update.issues) expect(i.reason).to.match(/^[A-Z_0-9]+ \(\d+\): /);
    });
  }

  it('answers withdrawn routes or attribute lengths that overrun the message with Malformed Attribute List', () => {
    const overrun = rawUpdate({ withdrawn: ONE_PREFIX });
    overrun[20] = 0x40; // withdrawn routes length 64
    const result = decodeMessage(overrun, EBGP4);
    expect(!result.ok && result.error.subcode).to.equal(UPDATE_ERROR.malformedAttributeList);
    const attributes = rawUpdate({ attributes: MANDATORY_4 });
    attributes[22] = 0x40; // total path attribute length 64
    const second = decodeMessage(attributes, EBGP4);
    expect(!second.ok && second.error.subcode).to.equal(UPDATE_ERROR.malformedAttributeList);
  });

  it('drops a discarded attribute from the UPDATE and keeps the rest', () => {
    const update = updateOf(decodeMessage(rawUpdate({ attributes: `${MANDATORY_4} 40 05 04 00000064  80 04 04 00000007`, nlri: ONE_PREFIX }), EBGP4));
    expect(update.message.attributes).to.not.have.property('localPref');
    expect(update.message.attributes.med).to.equal(7);
  });

  it('keeps the first of repeated COMMUNITIES', () => {
    const update = updateOf(decodeMessage(rawUpdate({ attributes: `${MANDATORY_4} c0 08 04 00000001  c0 08 04 00000002`, nlri: ONE_PREFIX }), EBGP4));
    expect(update.message.attributes.communities).to.deep.equal([1]);
  });

  it('removes repeated large communities silently (RFC 8092 5)', () => {
    const large = 'c0 20 18 00000001 00000002 00000003 00000001 00000002 00000003';
    const update = updateOf(decodeMessage(rawUpdate({ attributes: `${MANDATORY_4} ${large}`, nlri: ONE_PREFIX }), EBGP4));
    expect(update.issues).to.deep.equal([]);
    expect(update.message.attributes.largeCommunities).to.deep.equal([{ globalAdministrator: 1, localData1: 2, localData2: 3 }]);
  });

  it('reads link bandwidth from either the transitive or the non-transitive type and keeps other extended communities raw', () => {
    const ext = 'c0 10 18 00 04 fde9 49989680  40 04 5ba0 4cee6b28  00 02 fde9 00000064';
    const update = updateOf(decodeMessage(rawUpdate({ attributes: `${MANDATORY_4} ${ext}`, nlri: ONE_PREFIX }), EBGP4));
    expect(update.message.attributes.extendedCommunities).to.deep.equal([
      { kind: 'link-bandwidth', transitive: true, asn: 65001, bytesPerSecond: 1_250_000 },
      { kind: 'link-bandwidth', transitive: false, asn: 23456, bytesPerSecond: 125_000_000 },
      { kind: 'raw', bytes: Uint8Array.of(0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 0x64) },
    ]);
  });
});
