import { expect } from 'chai';
import { addressKey, ipFromBytes, ipToBytes, parseSeed, sourceAddress } from './address.js';

describe('membership addresses', () => {
  const seeds: Array<[string, string]> = [
    ['10.0.0.1', '10.0.0.1:7946'],
    ['10.0.0.1:8000', '10.0.0.1:8000'],
    ['2001:DB8:0::1', '[2001:db8::1]:7946'],
    ['[2001:db8::1]:8000', '[2001:db8::1]:8000'],
  ];
  for (const [text, key] of seeds) {
    it(`reads the seed ${text} as ${key}`, () => {
      const r = parseSeed(text, 7946);
      expect(r.ok && addressKey(r.value)).to.equal(key);
    });
  }

  it('refuses a seed that is not an address and port, naming it', () => {
    expect(parseSeed('node-1', 7946)).to.deep.equal({ ok: false, error: 'seed "node-1": "node-1" is not an IP address' });
    expect(parseSeed('10.0.0.1:0', 7946)).to.deep.equal({ ok: false, error: 'seed "10.0.0.1:0": port 0 is not in 1-65535' });
  });

  it('takes an IPv4 sender seen on a dual-stack socket as the IPv4 address', () => {
    expect(sourceAddress('::ffff:10.0.0.7', 7946)).to.deep.equal({ ip: '10.0.0.7', port: 7946 });
    expect(sourceAddress('2001:db8::7', 7946)).to.deep.equal({ ip: '2001:db8::7', port: 7946 });
  });

  it('turns addresses into network-order bytes and back', () => {
    expect(ipToBytes('10.1.2.3')?.toString('hex')).to.equal('0a010203');
    expect(ipToBytes('10.1.2.300')).to.equal(undefined);
    expect(ipFromBytes(ipToBytes('2001:db8::1') ?? Buffer.alloc(0))).to.equal('2001:db8::1');
    expect(ipFromBytes(Buffer.from([192, 0, 2, 1]))).to.equal('192.0.2.1');
  });
});
