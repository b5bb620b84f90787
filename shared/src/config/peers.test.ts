import { expect } from 'chai';
import { buildConfig } from './build.js';
import { NS, b64, bfd, expectValid, peer, secret, table } from './test-fixtures.js';

const B = `BGPPeer ${NS}`;

describe('BGPPeer validation', () => {
  it('accepts an eBGP peer and fills in MetalLB\'s defaults', () => {
    const config = expectValid({ bgpPeers: [peer('tor')] });
    expect(config.peers).to.deep.equal([
      {
        name: 'tor',
        myASN: 64512,
        peerASN: 64500,
        ibgp: false,
        address: { family: 4, value: 0xc0000201n },
        port: 179,
        holdTimeSeconds: 90,
        keepaliveTimeSeconds: 30,
        connectTimeSeconds: 120,
        nodeSelectors: [],
        ebgpMultiHop: false,
        gracefulRestart: false,
        vrf: '',
      },
    ]);
  });

  it('accepts every field MetalLB\'s v1beta2 BGPPeer has', () => {
    const config = expectValid({
      bfdProfiles: [bfd('fast', { receiveInterval: 100, transmitInterval: 100 })],
      bgpPeers: [
        peer('tor', {
          myASN: 4200000001,
          peerASN: 4200000002,
          peerAddress: '2001:db8::1',
          sourceAddress: '2001:db8::2',
          peerPort: 1179,
          holdTime: '3m',
          keepaliveTime: '1m',
          connectTime: '10s',
          routerID: '10.0.0.1',
          nodeSelectors: [{ matchLabels: { rack: 'r1' } }],
          password: 's3cret',
          bfdProfile: 'fast',
          ebgpMultiHop: true,
          enableGracefulRestart: true,
          vrf: 'red',
        }),
      ],
    });
    const p = config.peers[0];
    expect(p).to.deep.include({
      myASN: 4200000001,
      peerASN: 4200000002,
      ibgp: false,
      address: { family: 6, value: 0x20010db8000000000000000000000001n },
      sourceAddress: { family: 6, value: 0x20010db8000000000000000000000002n },
      port: 1179,
      holdTimeSeconds: 180,
      keepaliveTimeSeconds: 60,
      connectTimeSeconds: 10,
      routerID: { family: 4, value: 0x0a000001n },
      password: 's3cret',
      ebgpMultiHop: true,
      gracefulRestart: true,
      vrf: 'red',
    });
    expect(p?.nodeSelectors).to.deep.equal([{ matchLabels: { rack: 'r1' } }]);
    expect(p?.bfdProfile).to.deep.equal({
      name: 'fast',
      receiveInterval: 100,
      transmitInterval: 100,
      detectMultiplier: 3,
      echoInterval: 50,
      echoMode: false,
      passiveMode: false,
      minimumTtl: 254,
    });
  });

  describe('derives the timer that is not set', () => {
    const cases: Array<[string, Record<string, string>, number, number]> = [
      ['only holdTime: keepalive is a third of it, rounded down', { holdTime: '10s' }, 10, 3],
      ['only keepaliveTime: hold is three times it', { keepaliveTime: '20s' }, 60, 20],
      ['holdTime 0: no keepalives at all', { holdTime: '0s' }, 0, 0],
      ['keepaliveTime 0 alone: no hold timer either', { keepaliveTime: '0' }, 0, 0],
      ['both set: both kept', { holdTime: '1m30s', keepaliveTime: '10s' }, 90, 10],
      ['both zero: kept', { holdTime: '0s', keepaliveTime: '0s' }, 0, 0],
    ];
    for (const [title, timers, hold, keepalive] of cases) {
      it(title, () => {
        const p = expectValid({ bgpPeers: [peer('tor', timers)] }).peers[0];
        expect([p?.holdTimeSeconds, p?.keepaliveTimeSeconds]).to.deep.equal([hold, keepalive]);
      });
    }
  });

  it('treats peerASN equal to myASN, or dynamicASN internal, as iBGP', () => {
    const config = expectValid({
      bgpPeers: [
        peer('a', { peerASN: 64512 }),
        peer('b', { peerASN: undefined, dynamicASN: 'internal', peerAddress: '192.0.2.2' }),
        peer('c', { peerASN: undefined, dynamicASN: 'external', peerAddress: '192.0.2.3' }),
      ],
    });
    expect(config.peers.map((p) => [p.name, p.ibgp, p.dynamicASN])).to.deep.equal([
      ['a', true, undefined],
      ['b', true, 'internal'],
      ['c', false, 'external'],
    ]);
  });

  it('reads the password from the Secret, base64 in data or plain in stringData', () => {
    const config = expectValid({
      secrets: [secret('md5-a', { password: b64('from data') }), secret('md5-b', {}, { password: 'from stringData' })],
      bgpPeers: [
        peer('a', { passwordSecret: { name: 'md5-a' } }),
        peer('b', { peerAddress: '192.0.2.2', passwordSecret: { name: 'md5-b', namespace: NS } }),
      ],
    });
    expect(config.peers.map((p) => p.password)).to.deep.equal(['from data', 'from stringData']);
  });

  it('accepts unnumbered peering over an interface', () => {
    const p = expectValid({ bgpPeers: [peer('tor', { peerAddress: undefined, interface: 'eth1' })] }).peers[0];
    expect(p?.interface).to.equal('eth1');
    expect(p?.address).to.equal(undefined);
  });

  it('accepts one router address from nodes that can never overlap, and in another VRF', () => {
    expectValid({
      bgpPeers: [
        peer('rack1', { nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
        peer('rack2', { nodeSelectors: [{ matchLabels: { rack: 'r2' } }] }),
        peer('red', { vrf: 'red' }),
      ],
    });
  });

  it('marks a missing Secret or BFDProfile as a missing reference, which creating it clears', () => {
    const result = buildConfig({ bgpPeers: [peer('tor', { passwordSecret: { name: 'nope' }, bfdProfile: 'fast' })] });
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors.map((e) => [e.field, e.missingReference])).to.deep.equal([
      ['spec.passwordSecret.name', true],
      ['spec.bfdProfile', true],
    ]);
  });

  describe('refuses', () => {
    table([
      {
        title: 'a hold time of 1 second',
        resources: { bgpPeers: [peer('tor', { holdTime: '1s' })] },
        want: [`${B}/tor: spec.holdTime: 1s is too short: a hold time is 0 (no keepalives) or at least 3s`],
      },
      {
        title: 'a hold time of 2 seconds',
        resources: { bgpPeers: [peer('tor', { holdTime: '2s', keepaliveTime: '1s' })] },
        want: [`${B}/tor: spec.holdTime: 2s is too short: a hold time is 0 (no keepalives) or at least 3s`],
      },
      {
        title: 'a hold time longer than BGP can carry',
        resources: { bgpPeers: [peer('tor', { holdTime: '20h' })] },
        want: [`${B}/tor: spec.holdTime: 20h is too long: BGP carries at most 65535s`],
      },
      {
        title: 'a keepalive longer than the hold time',
        resources: { bgpPeers: [peer('tor', { holdTime: '30s', keepaliveTime: '1m' })] },
        want: [`${B}/tor: spec.keepaliveTime: 1m is longer than holdTime 30s; the peer would drop the session between keepalives`],
      },
      {
        title: 'keepalives turned off while the hold timer runs',
        resources: { bgpPeers: [peer('tor', { holdTime: '90s', keepaliveTime: '0s' })] },
        want: [`${B}/tor: spec.keepaliveTime: 0 sends no keepalives, so the session would expire after holdTime 1m30s; set holdTime to 0 as well`],
      },
      {
        title: 'a keepalive whose derived hold time is too long',
        resources: { bgpPeers: [peer('tor', { keepaliveTime: '10h' })] },
        want: [`${B}/tor: spec.keepaliveTime: 10h would make the hold time (3 × keepalive) longer than 65535s; set holdTime too`],
      },
      {
        title: 'a duration that does not parse',
        resources: { bgpPeers: [peer('tor', { holdTime: '90' })] },
        want: [`${B}/tor: spec.holdTime: "90" is not a duration: write a number and a unit (h, m, s, ms, us, ns), such as "90s" or "1m30s"`],
      },
      {
        title: 'a timer in fractions of a second',
        resources: { bgpPeers: [peer('tor', { keepaliveTime: '2.5s' })] },
        want: [`${B}/tor: spec.keepaliveTime: "2.5s" is not a whole number of seconds; BGP timers count whole seconds`],
      },
      {
        title: 'a duration given as a number',
        resources: { bgpPeers: [peer('tor', { holdTime: 90 })] },
        want: [`${B}/tor: spec.holdTime: must be a string, not number 90`],
      },
      {
        title: 'a connect time of 0',
        resources: { bgpPeers: [peer('tor', { connectTime: '0s' })] },
        want: [`${B}/tor: spec.connectTime: 0s is out of range: must be between 1s and 65535s`],
      },
      {
        title: 'myASN 0',
        resources: { bgpPeers: [peer('tor', { myASN: 0 })] },
        want: [`${B}/tor: spec.myASN: AS 0 is reserved (RFC 7607) and cannot be the local AS`],
      },
      {
        title: 'a peer without myASN',
        resources: { bgpPeers: [peer('tor', { myASN: undefined })] },
        want: [`${B}/tor: spec.myASN: is required: the AS number Herald speaks for`],
      },
      {
        title: 'an ASN beyond 32 bits',
        resources: { bgpPeers: [peer('tor', { peerASN: 4294967296 })] },
        want: [`${B}/tor: spec.peerASN: 4294967296 is out of range: must be between 0 and 4294967295`],
      },
      {
        title: 'both peerASN and dynamicASN',
        resources: { bgpPeers: [peer('tor', { dynamicASN: 'external' })] },
        want: [`${B}/tor: spec.dynamicASN: is set together with peerASN; set exactly one of them`],
      },
      {
        title: 'neither peerASN nor dynamicASN',
        resources: { bgpPeers: [peer('tor', { peerASN: undefined })] },
        want: [`${B}/tor: spec.peerASN: is required unless dynamicASN is set; set exactly one of them`],
      },
      {
        title: 'peerASN 0 without dynamicASN, since 0 means unset',
        resources: { bgpPeers: [peer('tor', { peerASN: 0 })] },
        want: [`${B}/tor: spec.peerASN: is required unless dynamicASN is set; set exactly one of them`],
      },
      {
        title: 'an unknown dynamicASN',
        resources: { bgpPeers: [peer('tor', { peerASN: undefined, dynamicASN: 'any' })] },
        want: [`${B}/tor: spec.dynamicASN: "any" is not one of internal, external`],
      },
      {
        title: 'ebgpMultiHop on an iBGP session',
        resources: { bgpPeers: [peer('tor', { peerASN: 64512, ebgpMultiHop: true })] },
        want: [`${B}/tor: spec.ebgpMultiHop: applies only to eBGP, and this peer is iBGP (peerASN equals myASN, or dynamicASN is internal)`],
      },
      {
        title: 'ebgpMultiHop with dynamicASN internal',
        resources: { bgpPeers: [peer('tor', { peerASN: undefined, dynamicASN: 'internal', ebgpMultiHop: true })] },
        want: [`${B}/tor: spec.ebgpMultiHop: applies only to eBGP, and this peer is iBGP (peerASN equals myASN, or dynamicASN is internal)`],
      },
      {
        title: 'both peerAddress and interface',
        resources: { bgpPeers: [peer('tor', { interface: 'eth1' })] },
        want: [`${B}/tor: spec.interface: is set together with peerAddress; set exactly one of them`],
      },
      {
        title: 'neither peerAddress nor interface',
        resources: { bgpPeers: [peer('tor', { peerAddress: undefined })] },
        want: [`${B}/tor: spec.peerAddress: is required unless interface is set; set exactly one of them`],
      },
      {
        title: 'a peerAddress that is not an address',
        resources: { bgpPeers: [peer('tor', { peerAddress: '192.0.2.300' })] },
        want: [`${B}/tor: spec.peerAddress: "192.0.2.300" is not a valid IPv4 address`],
      },
      {
        title: 'a sourceAddress that is not an address',
        resources: { bgpPeers: [peer('tor', { sourceAddress: 'node-a' })] },
        want: [`${B}/tor: spec.sourceAddress: "node-a" is not a valid IPv4 address`],
      },
      {
        title: 'a sourceAddress of the other family',
        resources: { bgpPeers: [peer('tor', { sourceAddress: '2001:db8::2' })] },
        want: [`${B}/tor: spec.sourceAddress: 2001:db8::2 is IPv6 but peerAddress 192.0.2.1 is IPv4`],
      },
      {
        title: 'an IPv6 routerID',
        resources: { bgpPeers: [peer('tor', { routerID: '2001:db8::1' })] },
        want: [`${B}/tor: spec.routerID: 2001:db8::1 cannot be a BGP identifier: it must be a non-zero IPv4 address`],
      },
      {
        title: 'a routerID that is not an address',
        resources: { bgpPeers: [peer('tor', { routerID: '10.0.0' })] },
        want: [`${B}/tor: spec.routerID: "10.0.0" is not a valid IPv4 address`],
      },
      {
        title: 'port 0',
        resources: { bgpPeers: [peer('tor', { peerPort: 0 })] },
        want: [`${B}/tor: spec.peerPort: 0 is out of range: must be between 1 and 65535`],
      },
      {
        title: 'an interface name Linux would refuse',
        resources: { bgpPeers: [peer('tor', { peerAddress: undefined, interface: 'a-very-long-interface' })] },
        want: [`${B}/tor: spec.interface: "a-very-long-interface" is longer than 15 bytes, the Linux limit for an interface name (the interface for unnumbered peering)`],
      },
      {
        title: 'password together with passwordSecret',
        resources: { secrets: [secret('md5', { password: b64('x') })], bgpPeers: [peer('tor', { password: 'x', passwordSecret: { name: 'md5' } })] },
        want: [`${B}/tor: spec.passwordSecret: is set together with password; set one of them`],
      },
      {
        title: 'a passwordSecret that does not exist',
        resources: { bgpPeers: [peer('tor', { passwordSecret: { name: 'md5' } })] },
        want: [`${B}/tor: spec.passwordSecret.name: Secret ${NS}/md5 does not exist`],
      },
      {
        title: 'a passwordSecret in another namespace',
        resources: { bgpPeers: [peer('tor', { passwordSecret: { name: 'md5', namespace: 'default' } })] },
        want: [`${B}/tor: spec.passwordSecret.namespace: is "default"; Herald reads Secrets only from its own namespace ${NS}`],
      },
      {
        title: 'a passwordSecret without a password key',
        resources: { secrets: [secret('md5', { username: b64('x') })], bgpPeers: [peer('tor', { passwordSecret: { name: 'md5' } })] },
        want: [`${B}/tor: spec.passwordSecret: Secret ${NS}/md5 has no "password" key in data or stringData`],
      },
      {
        title: 'a passwordSecret whose data is not base64',
        resources: { secrets: [secret('md5', { password: 'not base64!' })], bgpPeers: [peer('tor', { passwordSecret: { name: 'md5' } })] },
        want: [`${B}/tor: spec.passwordSecret: Secret ${NS}/md5: data.password is not valid base64`],
      },
      {
        title: 'a password longer than TCP-MD5 allows',
        resources: { bgpPeers: [peer('tor', { password: 'x'.repeat(81) })] },
        want: [`${B}/tor: spec.password: is 81 bytes long; a TCP-MD5 key is at most 80 bytes`],
      },
      {
        title: 'a BFD profile that does not exist',
        resources: { bgpPeers: [peer('tor', { bfdProfile: 'fast' })] },
        want: [`${B}/tor: spec.bfdProfile: BFDProfile "fast" does not exist in ${NS}`],
      },
      {
        title: 'two peers to one address from every node',
        resources: { bgpPeers: [peer('b'), peer('a')] },
        want: [`${B}/b: spec.peerAddress: ${B}/a already peers with 192.0.2.1 in the default VRF, and the nodeSelectors of the two can select the same node; a node holds one session per router address`],
      },
      {
        title: 'two peers to one address written two ways, when one selects every node',
        resources: { bgpPeers: [peer('a', { peerAddress: '2001:db8::1' }), peer('b', { peerAddress: '2001:0db8:0::1', nodeSelectors: [{ matchLabels: { rack: 'r1' } }] })] },
        want: [`${B}/b: spec.peerAddress: ${B}/a already peers with 2001:db8::1 in the default VRF, and the nodeSelectors of the two can select the same node; a node holds one session per router address`],
      },
      {
        title: 'two peers to one address whose selectors could pick one node',
        resources: {
          bgpPeers: [
            peer('a', { vrf: 'red', nodeSelectors: [{ matchLabels: { rack: 'r1' } }] }),
            peer('b', { vrf: 'red', nodeSelectors: [{ matchLabels: { zone: 'east' } }] }),
          ],
        },
        want: [`${B}/b: spec.peerAddress: ${B}/a already peers with 192.0.2.1 in VRF red, and the nodeSelectors of the two can select the same node; a node holds one session per router address`],
      },
      {
        title: 'two unnumbered peers on one interface',
        resources: { bgpPeers: [peer('a', { peerAddress: undefined, interface: 'eth1' }), peer('b', { peerAddress: undefined, interface: 'eth1' })] },
        want: [`${B}/b: spec.interface: ${B}/a already peers with interface eth1 in the default VRF, and the nodeSelectors of the two can select the same node; a node holds one session per router address`],
      },
    ]);
  });
});
