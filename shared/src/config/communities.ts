import { type CommunityValue, isCommunityLiteral, parseCommunity } from './community.js';
import type { Intake } from './objects.js';
import { compareStrings, describe, get, isRecord, readList } from './read.js';
import type { CommunityAliasConfig } from './types.js';

interface Definition {
  readonly alias: CommunityAliasConfig;
  readonly index: number;
}

/**
 * Reads every Community object into one alias table. Alias names are unique across all objects; a
 * repeat is reported on the later definition (in object-name, then list order).
 */
export function readCommunityAliases(intakes: readonly Intake[]): Map<string, CommunityAliasConfig> {
  const defined = new Map<string, Definition>();
  for (const it of intakes) {
    const r = it.report;
    for (const { index, value } of readList(r, it.spec, 'communities', 'spec')) {
      const at = `spec.communities[${index}]`;
      if (!isRecord(value)) {
        r.error(at, `must be an object with name and value, not ${describe(value)}`);
        continue;
      }
      const name = get(value, 'name');
      const text = get(value, 'value');
      let good = true;
      if (typeof name !== 'string' || name === '') {
        r.error(`${at}.name`, name === undefined || name === '' ? 'is required' : `must be a string, not ${describe(name)}`);
        good = false;
      } else if (isCommunityLiteral(name)) {
        r.error(`${at}.name`, `${JSON.stringify(name)} contains ':', so BGPAdvertisements would read it as a community value, not as this alias`);
        good = false;
      }
      let parsed: CommunityValue | undefined;
      if (typeof text !== 'string') {
        r.error(`${at}.value`, text === undefined ? 'is required' : `must be a string, not ${describe(text)}`);
        good = false;
      } else {
        const result = parseCommunity(text);
        if (result.ok) parsed = result.value;
        else {
          r.error(`${at}.value`, result.error);
          good = false;
        }
      }
      if (!good || parsed === undefined || typeof name !== 'string') continue;
      const earlier = defined.get(name);
      if (earlier !== undefined) {
        const where = earlier.alias.definedBy === it.name ? `spec.communities[${earlier.index}] of this object` : `Community ${r.namespace}/${earlier.alias.definedBy} (spec.communities[${earlier.index}])`;
        r.error(`${at}.name`, `alias ${JSON.stringify(name)} is already defined by ${where}; alias names must be unique across all Community objects`);
        continue;
      }
      defined.set(name, { alias: { name, value: parsed, definedBy: it.name }, index });
    }
  }
  const out = new Map<string, CommunityAliasConfig>();
  for (const name of [...defined.keys()].sort(compareStrings)) {
    const d = defined.get(name);
    if (d !== undefined) out.set(name, d.alias);
  }
  return out;
}
