import { BFD_DEFAULTS, BFD_LIMITS } from '../api/bfd.js';
import type { Intake } from './objects.js';
import { readBoolean, readInteger } from './read.js';
import type { BFDProfileConfig } from './types.js';

/** A BFDProfile with FRR's defaults filled in; undefined when it has errors. */
export function readBFDProfile(it: Intake): BFDProfileConfig | undefined {
  const r = it.report;
  const s = it.spec;
  const interval = BFD_LIMITS.interval;
  const profile: BFDProfileConfig = {
    name: it.name,
    receiveInterval: readInteger(r, s, 'receiveInterval', 'spec', interval) ?? BFD_DEFAULTS.receiveInterval,
    transmitInterval: readInteger(r, s, 'transmitInterval', 'spec', interval) ?? BFD_DEFAULTS.transmitInterval,
    detectMultiplier: readInteger(r, s, 'detectMultiplier', 'spec', BFD_LIMITS.detectMultiplier) ?? BFD_DEFAULTS.detectMultiplier,
    echoInterval: readInteger(r, s, 'echoInterval', 'spec', interval) ?? BFD_DEFAULTS.echoInterval,
    echoMode: readBoolean(r, s, 'echoMode', 'spec', BFD_DEFAULTS.echoMode),
    passiveMode: readBoolean(r, s, 'passiveMode', 'spec', BFD_DEFAULTS.passiveMode),
    minimumTtl: readInteger(r, s, 'minimumTtl', 'spec', BFD_LIMITS.minimumTtl) ?? BFD_DEFAULTS.minimumTtl,
  };
  return r.failed ? undefined : profile;
}
