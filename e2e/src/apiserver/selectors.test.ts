import { expect } from 'chai';
import { ApiError } from './errors.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

const labels = { app: 'web', tier: 'front', version: '3' };

function sel(s: string): boolean {
  return matchesLabels(parseLabelSelector(s), labels);
}

describe('label selectors', () => {
  it('matches equality with =, == and !=', () => {
    expect(sel('app=web')).to.equal(true);
    expect(sel('app==web')).to.equal(true);
    expect(sel('app!=web')).to.equal(false);
    expect(sel('app=db')).to.equal(false);
  });

  it('treats != as true when the label is absent, as the real server does', () => {
    expect(sel('missing!=x')).to.equal(true);
  });

  it('matches set membership with in and notin', () => {
    expect(sel('tier in (front, back)')).to.equal(true);
    expect(sel('tier in (back)')).to.equal(false);
    expect(sel('tier notin (back)')).to.equal(true);
    expect(sel('missing notin (x)')).to.equal(true);
    expect(sel('missing in (x)')).to.equal(false);
  });

  it('matches existence and absence', () => {
    expect(sel('app')).to.equal(true);
    expect(sel('!app')).to.equal(false);
    expect(sel('!missing')).to.equal(true);
  });

  it('combines requirements with commas, including commas inside in (...)', () => {
    expect(sel('app=web,tier in (front,back),!missing')).to.equal(true);
    expect(sel('app=web,tier=back')).to.equal(false);
  });

  it('compares integers with > and <', () => {
    expect(sel('version>2')).to.equal(true);
    expect(sel('version<3')).to.equal(false);
  });

  it('treats an empty selector as matching everything', () => {
    expect(sel('')).to.equal(true);
  });

  it('refuses a malformed selector with a 400 naming it', () => {
    expect(() => parseLabelSelector('app=(x')).to.throw(ApiError).with.property('code', 400);
    expect(() => parseLabelSelector('bad key=x')).to.throw(ApiError);
    expect(() => parseLabelSelector('a,,b')).to.throw(ApiError);
  });
});

describe('field selectors', () => {
  const event = { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Service', name: 'web', uid: 'u1' }, count: 2 };

  it('matches dotted paths with = and !=', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=e1'), event)).to.equal(true);
    expect(matchesFields(parseFieldSelector('involvedObject.kind=Service,involvedObject.name=web'), event)).to.equal(true);
    expect(matchesFields(parseFieldSelector('involvedObject.name!=web'), event)).to.equal(false);
    expect(matchesFields(parseFieldSelector('metadata.namespace==default'), event)).to.equal(true);
  });

  it('reads a missing field as the empty string, as kubectl describe expects', () => {
    expect(matchesFields(parseFieldSelector('involvedObject.fieldPath='), event)).to.equal(true);
  });

  it('compares numbers as their decimal text', () => {
    expect(matchesFields(parseFieldSelector('count=2'), event)).to.equal(true);
  });

  it('unescapes backslash-escaped commas and equals signs', () => {
    const parsed = parseFieldSelector('metadata.name=a\\,b');
    expect(parsed).to.deep.equal([{ field: 'metadata.name', op: '=', value: 'a,b' }]);
  });

  it('refuses a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).to.throw(ApiError).with.property('code', 400);
  });
});
