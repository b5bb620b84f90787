// HTTP responders in node namespaces: each binds a Service address on the node's loopback and
// answers with the node's name, standing in for kube-proxy and the Service's pods, so a
// client request through the router shows which node it reached.

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

export async function startResponder(lab: Lab, node: LabHost, address: string, port = 80): Promise<Responder> {
  if (!lab.nodes.some((n) => n.netns === node.netns)) throw new Error(`responder: ${node.name} (${node.netns}) is not a node of lab ${lab.prefix}`);
  await addServiceAddress(lab, node, address);
  const name = `responder-${node.name}-${address.replace(/[^\w]/g, '_')}-${port}`;
  const proc = lab.spawn(node, [process.execPath, RESPONDER_MAIN, address, String(port), node.name], { name });
  await waitFor(
    () => {
      if (!proc.running()) throw new WaitAborted(`responder on ${node.name} ${address} port ${port} exited:\n${proc.logTail()}`);
      return proc.logTail(3).includes('listening on');
    },
    10000,
    { what: `the responder on ${node.name} to listen on ${address} port ${port}`, intervalMs: 10 },
  );
  return {
    node,
    address,
    port,
    process: proc,
    async stop(opts = {}) {
      await proc.stop('SIGTERM', 2000);
      if (!opts.keepAddress) await removeServiceAddress(lab, node, address);
    },
  };
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
