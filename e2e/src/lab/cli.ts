#!/usr/bin/env node
// herald-lab: bring a lab network up until Ctrl-C, list labs, remove what dead runs left behind.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanLeftovers, describeLeftovers } from './cleanup.js';
import { createLab, type LabDescription } from './lab.js';
import { labPrefixOf } from './names.js';
import { listNetns } from './procs.js';
import { isRouterKind, ROUTER_KINDS } from './router-config.js';
import { listRunDirs, ownerAlive, readOwner, runDirOf } from './rundir.js';

const USAGE = `usage:
  herald-lab up [--nodes 3] [--router frr|bird|gobgp] [--prefix hlXXXXXX]
                   build a lab, print it as JSON, keep it until Ctrl-C, then remove it
  herald-lab list  labs on this machine and whether their owner still runs
  herald-lab clean remove every lab whose owner is gone (namespaces, links, processes, files)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest);
    case 'clean':
      process.stdout.write(describeLeftovers(cleanLeftovers()) + '\n');
      return 0;
    case 'list':
      process.stdout.write(listLabs() + '\n');
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`herald-lab: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
      return 2;
  }
}

async function up(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      nodes: { type: 'string', default: '3' },
      router: { type: 'string', default: 'frr' },
      prefix: { type: 'string' },
    },
    strict: true,
  });
  const router = values.router;
  if (!isRouterKind(router)) throw new Error(`--router ${router}: use ${ROUTER_KINDS.join(', ')}`);
  const nodes = Number(values.nodes);
  const started = Date.now();
  const lab = await createLab({ nodes, router, ...(values.prefix ? { prefix: values.prefix } : {}) });
  process.stdout.write(JSON.stringify(lab.describe(), null, 2) + '\n');
  process.stderr.write(`herald-lab: lab ${lab.prefix} up in ${Date.now() - started} ms; Ctrl-C removes it\n`);
  // Signal listeners do not keep Node running; this timer does, until one arrives.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, resolve);
  });
  await lab.destroy();
  clearInterval(keepAlive);
  process.stderr.write(`herald-lab: lab ${lab.prefix} removed\n`);
  return 0;
}

function listLabs(): string {
  const prefixes = new Set(listRunDirs());
  for (const ns of listNetns()) {
    const p = labPrefixOf(ns);
    if (p) prefixes.add(p);
  }
  if (prefixes.size === 0) return 'no labs';
  return [...prefixes]
    .sort()
    .map((prefix) => {
      const owner = readOwner(prefix);
      const state = ownerAlive(prefix) ? `up (owner pid ${owner?.pid})` : 'left behind (owner gone; herald-lab clean removes it)';
      let detail = '';
      try {
        const d = JSON.parse(readFileSync(join(runDirOf(prefix), 'lab.json'), 'utf8')) as LabDescription;
        detail = `  ${d.router.daemon}, ${d.nodes.length} nodes, ${d.ipv4Segment} ${d.ipv6Segment}, host ${d.hostAddress}`;
      } catch {
        detail = '  (no lab.json: still starting, or its run directory is gone)';
      }
      return `${prefix}  ${state}${detail}`;
    })
    .join('\n');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`herald-lab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
