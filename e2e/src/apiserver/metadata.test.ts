import { expect } from 'chai';
import { generatedName, nameProblem, pruneMetadata, validateMetadata } from './metadata.js';

describe('object metadata rules', () => {
  it('checks names as DNS subdomains, DNS labels or DNS-1035 labels', () => {
    expect(nameProblem('a.b-c', 'subdomain')).to.equal(undefined);
    expect(nameProblem('a.b', 'label')).to.contain('RFC 1123 label');
    expect(nameProblem('1abc', 'label1035')).to.contain('DNS-1035');
    expect(nameProblem('Upper', 'subdomain')).to.contain('RFC 1123 subdomain');
    expect(nameProblem('x'.repeat(64), 'label')).to.equal('must be no more than 63 characters');
  });

  it('requires a name and checks label keys and values', () => {
    expect(validateMetadata({}, 'subdomain').map((e) => e.field)).to.deep.equal(['metadata.name']);
    const errors = validateMetadata({ name: 'ok', labels: { 'bad key': 'v', good: 'bad value!' } }, 'subdomain');
    expect(errors.map((e) => e.field)).to.deep.equal(['metadata.labels', 'metadata.labels[good]']);
  });

  it('drops fields ObjectMeta does not have and reports them', () => {
    const meta: Record<string, unknown> = { name: 'x', labels: {}, colour: 'red' };
    expect(pruneMetadata(meta)).to.deep.equal(['metadata.colour']);
    expect(meta).to.deep.equal({ name: 'x', labels: {} });
  });

  it('generates names with a five-character suffix', () => {
    expect(generatedName('web-')).to.match(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
