// Herald's speakers in layer-2 mode on every node of a lab, as L2Speakers for the failover
// trials: the lab API server, the controller, a membership Secret, a pool holding only the
// trial's address, an L2Advertisement, a Service with an endpoint on every node, the address on
// every node's loopback with a responder (kube-proxy's part) and a speaker per node. Who owns the
// address comes from the speakers' own "answering for" / "stopped answering for" log lines: a
// SIGKILLed speaker's ServiceL2Status stays behind until its node's next speaker clears it.

import { randomBytes } from 'node:crypto';
import { ANNOTATION } from '@herald/shared/api/constants.js';
import { startResponder, type Lab, type LabHost, type Responder } from '../lab/index.js';
import { waitFor, waitForSteady } from '../lab/wait.js';
import { BgpObjects } from './bgp-objects.js';
import { openTestCluster, runSuffix } from './cluster.js';
import { ControllerProcess } from './controller-process.js';
import { HeraldObjects } from './herald-objects.js';
import type { L2Speakers, StartL2Speakers } from './l2-failover.js';
import { MEMBERS_SECRET, L2_SERVICE } from './l2-lab.js';
import { labNodeObject } from './nodes.js';
import { startSpeaker, type SpeakerProcess, type SpeakerRunOptions } from './speaker-process.js';
import type { LogLine } from './controller-process.js';

/** How long ownership must stay put, with the group whole, before a trial may strike. */
const STEADY_MS = 500;
/** A speaker's start, its joining the group and the others seeing it, on a loaded machine. */
const JOIN_TIMEOUT_MS = 20_000;

/** Whether the speaker's last line with `field` = `value` and one of the two messages said `yes`. */
function lastSaid(lines: readonly LogLine[], field: string, value: string, yes: string, no: string): boolean {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as LogLine;
    if (l[field] !== value) continue;
    if (l.message === yes) return true;
    if (l.message === no) return false;
  }
  return false;
}

/** Whether the speaker's last word on `address` was that it answers for it. */
export function answersFor(lines: readonly LogLine[], address: string): boolean {
  return lastSaid(lines, 'address', address, 'answering for', 'stopped answering for');
}

/** Whether the speaker's last word on `member` was that it is up. */
export function seesUp(lines: readonly LogLine[], member: string): boolean {
  return lastSaid(lines, 'member', member, 'member up', 'member down');
}

export interface HeraldL2Options {
  /** Options for every speaker (log level, extra flags). */
  speaker?: Partial<SpeakerRunOptions>;
}

/** Herald's speakers on every node of the lab as L2Speakers. */
export function startHeraldL2Speakers(opts: HeraldL2Options = {}): StartL2Speakers {
  return async (lab, address) => {
    const lbClass = `heraldlb.io/bench-${runSuffix()}`;
    const cluster = await openTestCluster({ listen: [lab.hostAddress] });
    const k = new HeraldObjects(cluster, lbClass);
    const bgp = new BgpObjects(cluster);
    const responders: Responder[] = [];
    const speakers = new Map<string, SpeakerProcess>();
    let controller: ControllerProcess | undefined;
    const stopAll = async (): Promise<void> => {
      await Promise.all([...speakers.values()].map((sp) => sp.stop(3000)));
      await Promise.all(responders.splice(0).map((r) => r.stop()));
      await controller?.stop(3000);
      await bgp.cleanup().catch(() => undefined);
      await k.cleanup().catch(() => undefined);
      await cluster.close();
    };
    try {
      for (const node of lab.nodes) await k.core.createNode({ body: labNodeObject(node) });
      controller = new ControllerProcess(cluster, { identity: `bench-${runSuffix()}`, leaseName: k.lease(), lbClass });
      await controller.waitForLeading();
      const pool = `l2-bench-${runSuffix()}`;
      await bgp.membersSecret(MEMBERS_SECRET, randomBytes(32));
      // Only the trial's address, so the controller gives the Service exactly that one.
      await k.createPool(pool, { addresses: [`${address}/32`] });
      await bgp.l2Advertisement(pool, { ipAddressPools: [pool] });
      const namespace = await k.namespace();
      await k.createService(namespace, L2_SERVICE, { annotations: { [ANNOTATION.addressPool]: pool } });
      await bgp.endpoints(namespace, L2_SERVICE, Object.fromEntries(lab.nodes.map((n) => [n.name, 1])));
      const [given] = await k.waitForIPs(namespace, L2_SERVICE);
      if (given !== address) throw new Error(`Service ${namespace}/${L2_SERVICE}: the controller gave ${given ?? 'nothing'}, not ${address} from pool ${pool}`);
      for (const n of lab.nodes) responders.push(await startResponder(lab, n, address));
      const run: SpeakerRunOptions = {
        kubeconfigPath: cluster.kubeconfigPathFor(lab.hostAddress),
        gracefulShutdownDelay: '0s',
        logLevel: 'info',
        ...opts.speaker,
        extraArgs: ['--lb-class', lbClass, '--no-default-class', ...(opts.speaker?.extraArgs ?? [])],
      };
      const launch = async (node: LabHost): Promise<void> => {
        const sp = startSpeaker(lab, node, run);
        speakers.set(node.name, sp);
        await sp.waitForLog((l) => l.message === 'layer-2 mode started', JOIN_TIMEOUT_MS, 'layer-2 mode started');
      };
      for (const n of lab.nodes) await launch(n);
      return heraldSpeakers(lab, speakers, launch, stopAll);
    } catch (e) {
      await stopAll().catch(() => undefined);
      throw e;
    }
  };
}

function heraldSpeakers(lab: Lab, speakers: Map<string, SpeakerProcess>, launch: (node: LabHost) => Promise<void>, stopAll: () => Promise<void>): L2Speakers {
  const host = (name: string): LabHost => {
    const h = lab.nodes.find((n) => n.name === name);
    if (h === undefined) throw new Error(`no lab node ${name}`);
    return h;
  };
  const owners = (address: string): string[] => [...speakers].filter(([, sp]) => sp.alive && answersFor(sp.lines, address)).map(([n]) => n);
  const whole = (): boolean =>
    [...speakers].every(([name, sp]) => sp.alive && [...speakers.keys()].every((other) => other === name || seesUp(sp.lines, other)));
  const groupWhole = (): Promise<void> =>
    waitFor(() => whole() || undefined, JOIN_TIMEOUT_MS, { what: 'every speaker to see every other as up', intervalMs: 20 }).then(() => undefined);
  return {
    name: 'herald',
    async ownerOf(address) {
      const [only, ...more] = owners(address);
      return only !== undefined && more.length === 0 ? host(only) : undefined;
    },
    async settled(address) {
      const owner = await waitForSteady(
        () => {
          const now = owners(address);
          return whole() && now.length === 1 ? now[0] : undefined;
        },
        STEADY_MS,
        JOIN_TIMEOUT_MS,
        { what: `one speaker answering for ${address}, with every speaker seeing every other up (answering: ${owners(address).join(', ') || 'none'})`, intervalMs: 20 },
      );
      return host(owner);
    },
    async kill(node, signal) {
      const sp = speakers.get(node.name);
      if (sp === undefined || !sp.alive) throw new Error(`speaker on ${node.name}: not running, nothing to kill`);
      sp.kill(signal);
      await sp.exited;
    },
    async restart(node) {
      await launch(node);
      await groupWhole();
    },
    stopAll,
  };
}
