import type { IPAddressPool, IPAddressPoolSpec } from '@herald/shared/api/pool.js';
import { buildConfig } from '@herald/shared/config/build.js';
import { formatConfigError } from '@herald/shared/config/errors.js';
import type { HeraldConfig } from '@herald/shared/config/types.js';
export { svc, withStatus, type SvcOptions } from '@herald/shared/service/test-fixtures.js';

/* Builders for test objects, so each table row shows only what it is about. Used only by tests. */

export function pool(name: string, spec: Partial<IPAddressPoolSpec> & { addresses: string[] }): IPAddressPool {
  return { apiVersion: 'heraldlb.io/v1beta1', kind: 'IPAddressPool', metadata: { name, namespace: 'herald-system' }, spec };
}

/** A validated configuration of these pools; throws with the errors when it is not valid. */
export function config(...pools: IPAddressPool[]): HeraldConfig {
  const result = buildConfig({ ipAddressPools: pools });
  if (!result.ok) throw new Error(`test configuration is invalid:\n${result.errors.map(formatConfigError).join('\n')}`);
  return result.config;
}

