import { expect } from 'chai';
import fc from 'fast-check';
import { parseIP } from '@herald/shared/net/address.js';
import type { IP } from '@herald/shared/net/address.js';
import { deriveRouterId } from './router-id.js';

function ip(text: string): IP {
  const parsed = parseIP(text);
  if (parsed === undefined) throw new Error(`bad test address ${text}`);
  return parsed;
}

describe('router ID', () => {
  it('uses the configured routerID', () => {
    expect(deriveRouterId({ explicit: ip('192.0.2.7'), addresses: [ip('10.0.0.1')], nodeName: 'n1' })).to.equal(0xc0000207);
  });

  it('refuses a configured routerID that is not a non-zero IPv4 address', () => {
    expect(() => deriveRouterId({ explicit: ip('2001:db8::1'), nodeName: 'n1' })).to.throw('routerID for node n1');
    expect(() => deriveRouterId({ explicit: ip('0.0.0.0'), nodeName: 'n1' })).to.throw('non-zero IPv4');
  });

  it('otherwise uses the first IPv4 address offered, skipping IPv6 ones', () => {
    const addresses = [ip('2001:db8::5'), ip('10.1.2.3'), ip('10.9.9.9')];
    expect(deriveRouterId({ addresses, nodeName: 'n1' })).to.equal(0x0a010203);
  });

  it('falls back to a hash of the node name on an IPv6-only node', () => {
    const id = deriveRouterId({ addresses: [ip('2001:db8::5')], nodeName: 'worker-1' });
    expect(id).to.equal(deriveRouterId({ nodeName: 'worker-1' }));
    expect(id).to.not.equal(deriveRouterId({ nodeName: 'worker-2' }));
  });

  it('derives the same non-zero 32-bit identifier from a name every time', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 63 }), (name) => {
        const id = deriveRouterId({ nodeName: name });
        expect(id).to.equal(deriveRouterId({ nodeName: name }));
        expect(id).to.be.within(1, 0xffffffff);
        expect(Number.isInteger(id)).to.equal(true);
      }),
    );
  });
});
