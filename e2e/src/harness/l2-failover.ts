// Failover trials for anything that moves a layer-2 address between lab nodes (Herald's speakers,
// keepalived): the owner is killed or cut off while the client probes the address every few
// milliseconds, and the trial records how long the client went unanswered and when the new owner
// first answered. The same trial runs against both, so their figures compare.

import {
  cutLink,
  firstAnswerByOther,
  gapAround,
  killOwner,
  restoreLink,
  startGapProbe,
  startKeepalived,
  type GapReport,
  type Keepalived,
  type KeepalivedOptions,
  type Lab,
  type LabHost,
  type LinkSide,
  type ProbeKind,
  type Struck,
} from '../lab/index.js';
import type { TrialFigures } from './failover-stats.js';

export type L2Fault = 'sigkill' | 'link-down';
export const L2_FAULTS: readonly L2Fault[] = ['sigkill', 'link-down'];

export const FAULT_WORDS: Record<L2Fault, string> = {
  sigkill: 'SIGKILL of the owner',
  'link-down': "the owner's link going down",
};

/** What moves the address: started for a lab by a StartL2Speakers. */
export interface L2Speakers {
  /** For reports: "keepalived (VRRP v3, adverts every 100 ms)". */
  name: string;
  ownerOf(address: string): Promise<LabHost | undefined>;
  /** Resolves to the owner once ownership is steady: every node's speaker runs and no move is pending. */
  settled(address: string): Promise<LabHost>;
  /** Kills what makes the node the owner: Herald's speaker; keepalived and its VRRP process. */
  kill(node: LabHost, signal: NodeJS.Signals): Promise<void>;
  /** Starts the node's speaker again after a kill. */
  restart(node: LabHost): Promise<void>;
  stopAll(): Promise<void>;
}

/** Starts the speakers on every node of the lab, moving `address`, with a responder answering on it on every node. */
export type StartL2Speakers = (lab: Lab, address: string) => Promise<L2Speakers>;

export interface TrialOptions {
  /** Probe kind (default 'http': who answered is in the body). */
  probe?: ProbeKind;
  /** Between probes (default 10 ms, the figure). */
  intervalMs?: number;
  /** How long the address may take to move before the trial counts as failed. */
  moveTimeoutMs: number;
  /** Answers in a row from the owner before the fault, and from the new owner before the trial ends (default 20). */
  steadyAnswers?: number;
  linkSide?: LinkSide;
  /**
   * Wait this long between the steady answers and the fault (default 0). A trial's steps take
   * about the same time each run, so without it every fault would strike at the same phase of
   * the speakers' own timers (VRRP adverts, membership probes); a random delay spread over one
   * period or more makes the phase uniform, as it is for a real failure.
   */
  faultDelayMs?: number;
}

export interface FailoverTrial extends TrialFigures {
  fault: L2Fault;
  owner: string;
  newOwner: string | null;
  /** When the fault was set off (wall clock, ms) and how long the command took. */
  faultAt: number;
  faultCommandMs: number;
  sent: number;
  answered: number;
  report: GapReport;
}

export async function runFailoverTrial(lab: Lab, speakers: L2Speakers, address: string, fault: L2Fault, opts: TrialOptions): Promise<FailoverTrial> {
  const steady = opts.steadyAnswers ?? 20;
  const owner = await speakers.settled(address);
  const probe = await startGapProbe(lab, address, { kind: opts.probe ?? 'http', intervalMs: opts.intervalMs ?? 10 });
  let struck: Struck | undefined;
  let report: GapReport;
  try {
    await probe.waitForAnswers((n) => n === owner.name, { count: steady, what: `${steady} answers in a row from the owner ${owner.name} before the fault` });
    if (opts.faultDelayMs) await new Promise((r) => setTimeout(r, opts.faultDelayMs));
    struck = fault === 'sigkill' ? await killOwner(speakers, address) : await cutLink(lab, owner, opts.linkSide);
    if (struck.node.netns !== owner.netns) throw new Error(`${speakers.name}: the owner changed from ${owner.name} to ${struck.node.name} before the fault`);
    const at = struck.at;
    await probe
      .waitForAnswers((n) => n !== owner.name, { count: steady, after: at, timeoutMs: opts.moveTimeoutMs, what: `answers from a node other than ${owner.name}` })
      .catch(() => undefined);
  } finally {
    report = await probe.stop();
    if (struck !== undefined) {
      if (fault === 'sigkill') await speakers.restart(owner);
      else await restoreLink(lab, owner, opts.linkSide);
    }
  }
  const gap = gapAround(report, struck.at);
  const moved = firstAnswerByOther(report, owner.name, struck.at);
  return {
    fault,
    owner: owner.name,
    newOwner: moved?.node ?? null,
    faultAt: struck.at,
    faultCommandMs: struck.done - struck.at,
    gapMs: gap?.ms ?? 0,
    gapClosed: gap?.closed ?? true,
    moveMs: moved === undefined ? null : moved.answeredAt - struck.at,
    sent: report.sent,
    answered: report.answered,
    report,
  };
}

/** keepalived on every node of the lab as L2Speakers. */
export function startKeepalivedSpeakers(opts: KeepalivedOptions = {}): StartL2Speakers {
  return async (lab, address) => keepalivedSpeakers(await startKeepalived(lab, lab.nodes, address, opts));
}

export function keepalivedSpeakers(ka: Keepalived): L2Speakers {
  const interval = ka.advertIntervalMs % 1000 === 0 ? `${ka.advertIntervalMs / 1000} s` : `${ka.advertIntervalMs} ms`;
  return {
    name: `keepalived ${interval}`,
    ownerOf: async () => ka.ownerOf(),
    settled: () => ka.settled(),
    kill: (node, signal) => ka.kill(node, signal),
    restart: (node) => ka.restart(node),
    stopAll: () => ka.stopAll(),
  };
}

/** How long a VRRP group takes at most to notice a dead master: 3 adverts and the largest skew, plus room for a loaded machine. */
export function vrrpMoveTimeoutMs(advertIntervalMs: number): number {
  return 4 * advertIntervalMs + 5000;
}
