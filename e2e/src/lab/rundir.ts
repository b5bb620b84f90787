// A lab's files: /tmp/herald-lab/<prefix>/ holds its owner, description, router configuration,
// sockets and logs; /tmp/herald-lab/segments/<K> says which lab uses segment K.

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processIdentity, type ProcessIdentity } from './procs.js';
import { PREFIX_PATTERN } from './names.js';

export const RUN_ROOT = process.env['HERALD_LAB_DIR'] ?? '/tmp/herald-lab';
const SEGMENTS = join(RUN_ROOT, 'segments');
const OWNER_FILE = 'owner.json';

export function runDirOf(prefix: string): string {
  return join(RUN_ROOT, prefix);
}

/** Creates the run directory and records this process as the lab's owner, before anything else exists. */
export function createRunDir(prefix: string): string {
  const dir = runDirOf(prefix);
  try {
    mkdirSync(dir, { recursive: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`lab ${prefix}: run directory ${dir} exists already; is that lab still up? (herald-lab clean removes dead ones)`);
    }
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(RUN_ROOT, { recursive: true });
    mkdirSync(dir);
  }
  const me = processIdentity(process.pid);
  if (!me) throw new Error(`lab ${prefix}: cannot read /proc/${process.pid}/stat to record the lab's owner`);
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(me) + '\n');
  return dir;
}

export function readOwner(prefix: string): ProcessIdentity | undefined {
  try {
    const o = JSON.parse(readFileSync(join(runDirOf(prefix), OWNER_FILE), 'utf8')) as Partial<ProcessIdentity>;
    return typeof o.pid === 'number' && typeof o.startTime === 'number' ? { pid: o.pid, startTime: o.startTime } : undefined;
  } catch {
    return undefined;
  }
}

export function ownerAlive(prefix: string): boolean {
  const owner = readOwner(prefix);
  return owner !== undefined && isAlive(owner);
}

export function listRunDirs(): string[] {
  try {
    return readdirSync(RUN_ROOT).filter((n) => PREFIX_PATTERN.test(n));
  } catch {
    return [];
  }
}

export function removeRunDir(prefix: string): void {
  rmSync(runDirOf(prefix), { recursive: true, force: true });
}

/** Claims segment K for a lab; false when another lab holds it. */
export function claimSegment(k: number, prefix: string): boolean {
  mkdirSync(SEGMENTS, { recursive: true });
  try {
    writeFileSync(join(SEGMENTS, String(k)), prefix, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export function releaseSegment(k: number, prefix: string): void {
  const path = join(SEGMENTS, String(k));
  try {
    if (readFileSync(path, 'utf8') === prefix) rmSync(path);
  } catch {
    // Not claimed (any more): nothing to release.
  }
}

/** Segment claims: K to the prefix of the lab holding it. */
export function listSegmentClaims(): Map<number, string> {
  const claims = new Map<number, string>();
  let names: string[];
  try {
    names = readdirSync(SEGMENTS);
  } catch {
    return claims;
  }
  for (const name of names) {
    try {
      claims.set(Number(name), readFileSync(join(SEGMENTS, name), 'utf8'));
    } catch {
      // Released while we listed.
    }
  }
  return claims;
}

export function removeClaim(k: number): void {
  rmSync(join(SEGMENTS, String(k)), { force: true });
}
