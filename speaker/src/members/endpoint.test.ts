import { expect } from 'chai';
import { decodeDatagram, encodeDatagram } from './codec.js';
import { DEFAULT_PROTOCOL_CONFIG } from './config.js';
import { createEndpoint, handle, receive, withKeys, type Clock, type Endpoint } from './endpoint.js';
import { addr } from './test-fixtures.js';

const KEY = Buffer.alloc(32, 1);
const NEW_KEY = Buffer.alloc(32, 2);
const WALL = 1_800_000_000_000_000;

function clock(now: number, wallUs = WALL + now * 1000): Clock {
  return { now, wallUs, random: () => 0.5 };
}

function member(name: string, seeds: string[] = []): Endpoint {
  return createEndpoint({ name, address: addr(name), config: DEFAULT_PROTOCOL_CONFIG, seeds: seeds.map(addr), keys: { current: KEY, previous: [] } });
}

/** A gossip from b, signed with `key`, stamped `stamp`. */
function gossipFromB(stamp: number, key = KEY): Buffer {
  return encodeDatagram({ sender: 'b', incarnation: 0, body: { type: 'gossip' }, updates: [] }, stamp, key);
}

describe('membership endpoint', () => {
  it('signs what it sends and stamps every datagram above the last, even when the clock steps back', () => {
    const started = handle(member('a', ['b', 'c', 'd']), { kind: 'start' }, clock(0));
    const stamps = started.datagrams.map((d) => {
      const decoded = decodeDatagram(d.bytes, [KEY]);
      return decoded.ok ? decoded.value.stamp : -1;
    });
    expect(stamps).to.deep.equal([WALL, WALL + 1, WALL + 2]);
    const stepped = handle(started.endpoint, { kind: 'seeds', seeds: [addr('e')] }, clock(10, WALL - 5_000_000));
    const decoded = decodeDatagram(stepped.datagrams[0]?.bytes ?? Buffer.alloc(0), [KEY]);
    expect(decoded.ok && decoded.value.stamp).to.equal(WALL + 3);
  });

  it('takes a datagram once and drops it when it comes again', () => {
    const a = handle(member('a'), { kind: 'start' }, clock(0)).endpoint;
    const first = receive(a, gossipFromB(WALL), addr('b'), clock(1));
    expect(first.dropped).to.equal(undefined);
    expect(first.changes.map((c) => `${c.name} ${c.to}`)).to.deep.equal(['b alive']);
    expect(receive(first.endpoint, gossipFromB(WALL), addr('b'), clock(2)).dropped?.reason).to.equal('replayed');
  });

  it('drops a datagram stamped outside the freshness window', () => {
    const a = handle(member('a'), { kind: 'start' }, clock(0)).endpoint;
    expect(receive(a, gossipFromB(WALL - 31_000_000), addr('b'), clock(1)).dropped?.reason).to.equal('stale');
  });

  it('drops a datagram under another key and one that claims to come from itself', () => {
    const a = handle(member('a'), { kind: 'start' }, clock(0)).endpoint;
    expect(receive(a, gossipFromB(WALL, NEW_KEY), addr('b'), clock(1)).dropped?.reason).to.equal('auth');
    const own = encodeDatagram({ sender: 'a', incarnation: 0, body: { type: 'gossip' }, updates: [] }, WALL, KEY);
    expect(receive(a, own, addr('a'), clock(1)).dropped?.reason).to.equal('loopback');
  });

  it('signs with the new key and still accepts the previous one during a rotation', () => {
    const a = withKeys(handle(member('a', ['b']), { kind: 'start' }, clock(0)).endpoint, { current: NEW_KEY, previous: [KEY] });
    expect(receive(a, gossipFromB(WALL, KEY), addr('b'), clock(1)).dropped).to.equal(undefined);
    const sent = handle(a, { kind: 'seeds', seeds: [addr('c')] }, clock(2)).datagrams[0]?.bytes ?? Buffer.alloc(0);
    expect(decodeDatagram(sent, [NEW_KEY]).ok).to.equal(true);
  });

  it('refuses a key shorter than 16 bytes', () => {
    expect(() => createEndpoint({ name: 'a', address: addr('a'), config: DEFAULT_PROTOCOL_CONFIG, keys: { current: Buffer.alloc(8), previous: [] } })).to.throw(
      RangeError,
      /the membership key is 8 bytes; a membership key needs at least 16/,
    );
  });
});
