import { expect } from 'chai';
import { MAX_NODES, checkNodeCount, checkPrefix, hostLinkName, labPrefixOf, namespaceName, prefixFromBytes } from './names.js';

describe('lab names', () => {
  it('makes a prefix of "hl" and six hex digits from random bytes', () => {
    expect(prefixFromBytes(Uint8Array.from([0x3f, 0xa2, 0x01]))).to.equal('hl3fa201');
  });

  it('rejects a prefix that cleanup could not recognise', () => {
    expect(() => checkPrefix('herald')).to.throw(/"hl" and 6 lowercase hex digits/);
    expect(() => checkPrefix('hl3FA201')).to.throw(/hex digits/);
    expect(() => checkPrefix('hl3fa201')).not.to.throw();
  });

  it('keeps every name within the 15 characters Linux allows, up to the last node', () => {
    expect(namespaceName('hl3fa201', `node${MAX_NODES}`)).to.equal('hl3fa201-node89');
    expect(namespaceName('hl3fa201', 'router')).to.have.length.at.most(15);
    expect(hostLinkName('hl3fa201')).to.equal('hl3fa201-m');
  });

  it('refuses node counts outside 1 to 89', () => {
    expect(() => checkNodeCount(0)).to.throw(/from 1 to 89/);
    expect(() => checkNodeCount(90)).to.throw(/from 1 to 89/);
    expect(() => checkNodeCount(1.5)).to.throw(/whole number/);
    expect(() => checkNodeCount(3)).not.to.throw();
  });

  it('recognises the namespaces and the root link a lab leaves behind, and nothing else', () => {
    expect(labPrefixOf('hl3fa201-node12')).to.equal('hl3fa201');
    expect(labPrefixOf('hl3fa201-sw')).to.equal('hl3fa201');
    expect(labPrefixOf('hl3fa201-m')).to.equal('hl3fa201');
    expect(labPrefixOf('hl3fa201-other')).to.equal(undefined);
    expect(labPrefixOf('eth0')).to.equal(undefined);
    expect(labPrefixOf('xhl3fa201-m')).to.equal(undefined);
  });
});
