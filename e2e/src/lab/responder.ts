// HTTP responders in node namespaces: each binds a Service address on the node's loopback and
// answers with the node's name, standing in for kube-proxy and the Service's pods, so a
// client request through the router shows which node it reached.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHost, LabProcess } from './lab.js';
import { familyOf } from './router-state.js';
import { CommandError } from './run.js';
import { WaitAborted, waitFor } from './wait.js';

/**
 * The device that holds Service addresses in a node namespace, as kube-proxy's IPVS mode holds
 * them on a local device (arp_ignore=1 keeps them out of eth0's ARP answers). The loopback: the
 * lab's kernel may lack the dummy module.
 */
export const SERVICE_DEVICE = 'lo';

const RESPONDER_MAIN = fileURLToPath(new URL('./responder-main.js', import.meta.url));

export interface Responder {
  node: LabHost;
  address: string;
  port: number;
  process: LabProcess;
  /** Stops the server and, unless `keepAddress`, removes the address from the node. */
  stop(opts?: { keepAddress?: boolean }): Promise<void>;
}

export function startResponder(lab: Lab, node: LabHost, address: string, port = 80): Promise<Responder> {
  return launchResponder(lab, node, address, port, true);
}

/**
 * A responder on every address of the node (0.0.0.0 or ::), for addresses something else puts on
 * the node's interfaces and takes off again (keepalived's virtual address): whichever node holds
 * the address answers with its name. It adds no address.
 */
export function startAnyAddressResponder(lab: Lab, node: LabHost, port = 80, family: 'ipv4' | 'ipv6' = 'ipv4'): Promise<Responder> {
  return launchResponder(lab, node, family === 'ipv4' ? '0.0.0.0' : '::', port, false);
}

/** `placesAddress`: the responder puts the address on the node's Service device and takes it off when it stops. */
async function launchResponder(lab: Lab, node: LabHost, address: string, port: number, placesAddress: boolean): Promise<Responder> {
  if (!lab.nodes.some((n) => n.netns === node.netns)) throw new Error(`responder: ${node.name} (${node.netns}) is not a node of lab ${lab.prefix}`);
  if (placesAddress) await addServiceAddress(lab, node, address);
  const proc = await spawnResponder(lab, node, address, port);
  return {
    node,
    address,
    port,
    process: proc,
    async stop(opts = {}) {
      await proc.stop('SIGTERM', 2000);
      if (placesAddress && !opts.keepAddress) await removeServiceAddress(lab, node, address);
    },
  };
}

async function spawnResponder(lab: Lab, node: LabHost, address: string, port: number): Promise<LabProcess> {
  const name = `responder-${node.name}-${address.replace(/[^\w]/g, '_')}-${port}`;
  // A responder started again under the same name appends to the same log: only what this one wrote counts.
  const logFile = join(lab.runDir, 'logs', `${name}.log`);
  const from = existsSync(logFile) ? statSync(logFile).size : 0;
  const proc = lab.spawn(node, [process.execPath, RESPONDER_MAIN, address, String(port), node.name], { name });
  await waitFor(
    () => {
      if (!proc.running()) throw new WaitAborted(`responder on ${node.name} ${address} port ${port} exited:\n${proc.logTail()}`);
      return readFileSync(logFile).subarray(from).toString('utf8').includes('listening on');
    },
    10000,
    { what: `the responder on ${node.name} to listen on ${address} port ${port}`, intervalMs: 10 },
  );
  return proc;
}

/** Puts the address on the node's Service device; an address already there is fine. */
export async function addServiceAddress(lab: Lab, node: LabHost, address: string): Promise<void> {
  const v6 = familyOf(address) === 'ipv6';
  // nodad: an address under duplicate address detection cannot be bound for 1-2 s.
  await tolerateExisting(lab.exec(node, ['ip', 'addr', 'add', `${address}/${v6 ? 128 : 32}`, 'dev', SERVICE_DEVICE, ...(v6 ? ['nodad'] : [])]));
}

export async function removeServiceAddress(lab: Lab, node: LabHost, address: string): Promise<void> {
  const v6 = familyOf(address) === 'ipv6';
  await lab.exec(node, ['ip', 'addr', 'del', `${address}/${v6 ? 128 : 32}`, 'dev', SERVICE_DEVICE]).catch((e: unknown) => {
    if (!(e instanceof CommandError && /Cannot assign requested address|No such device/.test(e.stderr))) throw e;
  });
}

async function tolerateExisting(p: Promise<string>): Promise<void> {
  await p.catch((e: unknown) => {
    if (!(e instanceof CommandError && /File exists/.test(e.stderr))) throw e;
  });
}
