import { expect } from 'chai';
import { GRACEFUL_SHUTDOWN, type OutboundRoute } from '../codec/index.js';
import { ORIGIN } from '../messages.js';
import { prepareRoute } from './outbound.js';

const ROUTE: OutboundRoute = {
  prefix: { family: 4, network: 0xc0000201n, length: 32 },
  attributes: { localPref: 200, communities: [0xfde80001], nextHop: 0x01010101n, asPath: [{ type: 2, asns: [1, 2] }] },
  nextHop: 0x0a000001n,
};

describe('routes as the session sends them', () => {
  it('towards an eBGP peer: our AS as the whole AS path, LOCAL_PREF removed', () => {
    const sent = prepareRoute(ROUTE, { localAsn: 64512, ibgp: false, gracefulShutdown: false });
    expect(sent.attributes).to.deep.equal({ origin: ORIGIN.igp, asPath: [{ type: 2, asns: [64512] }], communities: [0xfde80001] });
  });

  it('towards an iBGP peer: empty AS path, LOCAL_PREF kept', () => {
    const sent = prepareRoute(ROUTE, { localAsn: 64512, ibgp: true, gracefulShutdown: false });
    expect(sent.attributes).to.deep.equal({ origin: ORIGIN.igp, asPath: [], localPref: 200, communities: [0xfde80001] });
  });

  it('keeps an ORIGIN the caller chose', () => {
    const route = { ...ROUTE, attributes: { origin: ORIGIN.incomplete } };
    expect(prepareRoute(route, { localAsn: 64512, ibgp: false, gracefulShutdown: false }).attributes.origin).to.equal(ORIGIN.incomplete);
  });

  it('during graceful shutdown adds the GRACEFUL_SHUTDOWN community once', () => {
    const policy = { localAsn: 64512, ibgp: false, gracefulShutdown: true };
    expect(prepareRoute(ROUTE, policy).attributes.communities).to.deep.equal([0xfde80001, GRACEFUL_SHUTDOWN]);
    const tagged = { ...ROUTE, attributes: { communities: [GRACEFUL_SHUTDOWN] } };
    expect(prepareRoute(tagged, policy).attributes.communities).to.deep.equal([GRACEFUL_SHUTDOWN]);
    const bare = { ...ROUTE, attributes: {} };
    expect(prepareRoute(bare, policy).attributes.communities).to.deep.equal([GRACEFUL_SHUTDOWN]);
  });

  it('during graceful shutdown sets LOCAL_PREF 0 towards iBGP peers, and none towards eBGP ones', () => {
    expect(prepareRoute(ROUTE, { localAsn: 64512, ibgp: true, gracefulShutdown: true }).attributes.localPref).to.equal(0);
    expect(prepareRoute(ROUTE, { localAsn: 64512, ibgp: false, gracefulShutdown: true }).attributes).to.not.have.property('localPref');
  });

  it('leaves the caller\'s route untouched', () => {
    prepareRoute(ROUTE, { localAsn: 64512, ibgp: false, gracefulShutdown: true });
    expect(ROUTE.attributes.localPref).to.equal(200);
    expect(ROUTE.attributes.communities).to.deep.equal([0xfde80001]);
  });
});
