import { expect } from 'chai';
import { negotiate, parseBool, parseRoute } from './http.js';

describe('request routing', () => {
  it('tells discovery endpoints apart', () => {
    expect(parseRoute('/api')).to.deep.equal({ type: 'api' });
    expect(parseRoute('/api/v1')).to.deep.equal({ type: 'resources', group: '', version: 'v1' });
    expect(parseRoute('/apis')).to.deep.equal({ type: 'apis' });
    expect(parseRoute('/apis/heraldlb.io')).to.deep.equal({ type: 'group', group: 'heraldlb.io' });
    expect(parseRoute('/apis/heraldlb.io/v1beta1/')).to.deep.equal({ type: 'resources', group: 'heraldlb.io', version: 'v1beta1' });
    expect(parseRoute('/openapi/v3/apis/heraldlb.io/v1beta1')).to.deep.equal({ type: 'openapi-v3-gv', group: 'heraldlb.io', version: 'v1beta1' });
  });

  it('reads namespaced, cluster-wide and subresource paths', () => {
    expect(parseRoute('/api/v1/namespaces/default/services/web/status')).to.deep.include({
      plural: 'services',
      namespace: 'default',
      name: 'web',
      subresource: 'status',
    });
    expect(parseRoute('/api/v1/services')).to.deep.include({ plural: 'services', namespace: undefined, name: undefined });
    expect(parseRoute('/apis/heraldlb.io/v1beta1/namespaces/x/ipaddresspools')).to.deep.include({ group: 'heraldlb.io', plural: 'ipaddresspools', namespace: 'x' });
  });

  it('reads a Namespace and its status as the namespaces resource', () => {
    expect(parseRoute('/api/v1/namespaces/default')).to.deep.include({ plural: 'namespaces', name: 'default', namespace: undefined });
    expect(parseRoute('/api/v1/namespaces/default/status')).to.deep.include({ plural: 'namespaces', name: 'default', subresource: 'status' });
  });

  it('accepts the legacy /watch/ prefix', () => {
    expect(parseRoute('/api/v1/watch/namespaces/default/services')).to.deep.include({ plural: 'services', namespace: 'default', watchPath: true });
  });

  it('does not know paths deeper than a subresource', () => {
    expect(parseRoute('/api/v1/namespaces/a/services/b/status/c')).to.deep.equal({ type: 'unknown' });
    expect(parseRoute('/metrics')).to.deep.equal({ type: 'unknown' });
  });
});

describe('content negotiation', () => {
  it('answers kubectl get with a v1 Table', () => {
    expect(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).to.deep.equal({
      as: 'table',
      version: 'v1',
    });
  });

  it('falls back to plain JSON for aggregated discovery requests', () => {
    expect(negotiate('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')).to.deep.equal({ as: 'object' });
  });

  it('serves PartialObjectMetadata when asked', () => {
    expect(negotiate('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')).to.deep.equal({ as: 'partial', version: 'v1' });
  });

  it('refuses protobuf-only requests', () => {
    expect(negotiate('application/vnd.kubernetes.protobuf')).to.equal(undefined);
    expect(negotiate('application/vnd.kubernetes.protobuf,application/json')).to.deep.equal({ as: 'object' });
  });

  it('reads booleans the way Go does', () => {
    expect(['1', 'true', 'True', 't'].map(parseBool)).to.deep.equal([true, true, true, true]);
    expect(['0', 'false', 'yes', null].map(parseBool)).to.deep.equal([false, false, false, false]);
  });
});
