import { expect } from 'chai';
import { readAnnotation } from './annotations.js';
import { annotationKeys } from './constants.js';

describe('Service annotations', () => {
  it('accepts Herald, MetalLB and deprecated MetalLB keys, in that order of precedence', () => {
    expect(annotationKeys('addressPool')).to.deep.equal([
      'heraldlb.io/address-pool',
      'metallb.io/address-pool',
      'metallb.universe.tf/address-pool',
    ]);
  });

  it('prefers the Herald key when a Service carries several', () => {
    const found = readAnnotation(
      { 'metallb.io/loadBalancerIPs': '198.51.100.7', 'heraldlb.io/loadBalancerIPs': '198.51.100.8' },
      'loadBalancerIPs',
    );
    expect(found).to.deep.equal({ key: 'heraldlb.io/loadBalancerIPs', value: '198.51.100.8', foreign: false, deprecated: false });
  });

  it('marks a value from the deprecated MetalLB prefix as deprecated', () => {
    const found = readAnnotation({ 'metallb.universe.tf/allow-shared-ip': 'web' }, 'allowSharedIP');
    expect(found).to.deep.equal({ key: 'metallb.universe.tf/allow-shared-ip', value: 'web', foreign: true, deprecated: true });
  });

  it('finds nothing on a Service without the annotation', () => {
    expect(readAnnotation({ 'example.com/other': 'x' }, 'addressPool')).to.equal(undefined);
    expect(readAnnotation(undefined, 'addressPool')).to.equal(undefined);
  });
});
