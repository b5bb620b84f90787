// `make demo`: the lab network, the lab API server, the examples applied, the controller giving
// the Service its address, a speaker on every node announcing it over BGP, and what an operator
// would look at: the router's table with the Service's route over every node, and a client's
// request reaching the Service through the router. With --mode l2, layer-2 mode instead: a pool on
// the lab segment, the speakers' membership, the owning node answering ARP, the client reaching it.
// It shows what exists; parts not built yet are named as such, never faked.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../apiserver/server.js';
import { CRDS_DIR, REPO_ROOT } from '../harness/cluster.js';
import { labNodeObject } from '../harness/nodes.js';
import { startSpeaker, type SpeakerProcess } from '../harness/speaker-process.js';
import { routerCliArgv } from '../lab/router.js';
import {
  bgpNeighbors,
  cleanLeftovers,
  clientRequest,
  clientRequests,
  createLab,
  describeLeftovers,
  neighborMac,
  routesFor,
  startResponder,
  waitFor,
  type Lab,
} from '../lab/index.js';

const run = promisify(execFile);

interface DemoOptions {
  router: 'frr' | 'bird';
  mode: 'bgp' | 'l2';
  nodes: number;
  once: boolean;
}

function parseOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      router: { type: 'string', default: 'frr' },
      mode: { type: 'string', default: 'bgp' },
      nodes: { type: 'string', default: '3' },
      once: { type: 'boolean', default: false },
    },
  });
  const router = values.router;
  if (router !== 'frr' && router !== 'bird') throw new Error(`--router: ${router} is neither frr nor bird`);
  const mode = values.mode;
  if (mode !== 'bgp' && mode !== 'l2') throw new Error(`--mode: ${mode} is neither bgp nor l2`);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error(`--nodes: ${values.nodes} is not a whole number from 1 to 16`);
  return { router, mode, nodes, once: values.once ?? false };
}

function shellQuote(word: string): string {
  return /^[\w./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command's output, indented under its heading. */
function indented(text: string): string {
  return `${text.trimEnd().replace(/^/gm, '  ')}\n`;
}

function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

async function kubectl(kubeconfig: string, args: string[], stdin?: string): Promise<string> {
  const child = run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 30000 });
  if (stdin !== undefined) child.child.stdin?.end(stdin);
  const { stdout } = await child;
  return stdout;
}

/** Requests the client makes to show how the router spreads connections over the nodes. */
const CLIENT_REQUESTS = 20;

/**
 * examples/bgp.yaml names a router the lab does not have: peer with this lab's router instead,
 * over IPv4 and over IPv6 (a session carries its own family's routes, so each router address
 * family is a BGPPeer of its own).
 */
function labBgpManifest(lab: Lab): string {
  const myAsn = lab.nodePeers[0]?.asn ?? 64512;
  const peer = (name: string, address: string): string => `apiVersion: heraldlb.io/v1beta1
kind: BGPPeer
metadata: { name: ${name}, namespace: herald-system }
spec: { myASN: ${myAsn}, peerASN: ${lab.routerAsn}, peerAddress: "${address}" }
---
`;
  return `${peer('lab-router', lab.router.ipv4)}${lab.ipv6Sessions ? peer('lab-router-v6', lab.router.ipv6) : ''}apiVersion: heraldlb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: lab, namespace: herald-system }
spec: { ipAddressPools: [default], peers: [lab-router${lab.ipv6Sessions ? ', lab-router-v6' : ''}] }
`;
}

/**
 * Layer-2 mode needs addresses on the segment the client shares with the nodes (the client asks
 * ARP for them), the L2Advertisement, and the Secret holding the speakers' membership key.
 */
function labL2Manifest(lab: Lab): string {
  const base = lab.segment.ipv4Cidr.replace(/\.0\/24$/, '');
  const key = randomBytes(32).toString('base64');
  return `apiVersion: heraldlb.io/v1beta1
kind: IPAddressPool
metadata: { name: default, namespace: herald-system }
spec: { addresses: ["${base}.200-${base}.220"] }
---
apiVersion: heraldlb.io/v1beta1
kind: L2Advertisement
metadata: { name: default, namespace: herald-system }
spec: { ipAddressPools: [default] }
---
apiVersion: v1
kind: Secret
metadata: { name: herald-memberlist, namespace: herald-system }
data: { secretkey: "${key}" }
`;
}

/**
 * The lab has no kube-controller-manager: write the EndpointSlice it would write for `web`, one
 * ready pod on every node.
 */
function webEndpointsManifest(lab: Lab): string {
  const endpoints = lab.nodes
    .map((node, i) => `  - { addresses: ["10.244.${i + 1}.10"], conditions: { ready: true }, nodeName: ${node.name} }`)
    .join('\n');
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-lab, namespace: default, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
ports: [{ name: http, port: 8080, protocol: TCP }]
endpoints:
${endpoints}
`;
}

/** The real controller program, logging to the lab's run directory. */
function startController(lab: Lab, kubeconfig: string): { child: ChildProcess; log: string; exited: Promise<void> } {
  const log = join(lab.runDir, 'logs', 'controller.log');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'controller/dist/main.js'), '--kubeconfig', kubeconfig, '--metrics-addr', 'off', '--identity', 'demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return { child, log, exited };
}

async function waitForAddress(core: CoreV1Api, namespace: string, name: string, timeoutMs: number): Promise<string[]> {
  return waitFor(
    async () => {
      const svc = await core.readNamespacedService({ name, namespace });
      const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
      if (ips.length > 0) return ips;
      const condition = svc.status?.conditions?.find((c) => c.type === 'heraldlb.io/AddressAllocated');
      throw new Error(condition ? `${condition.reason}: ${condition.message}` : 'no address and no condition yet');
    },
    timeoutMs,
    { what: `an address for ${namespace}/${name}`, intervalMs: 200 },
  );
}

/** The speaker program in every node's namespace, as the DaemonSet runs it. */
async function startSpeakers(lab: Lab, kubeconfigPath: string, mode: DemoOptions['mode']): Promise<SpeakerProcess[]> {
  const speakers = lab.nodes.map((node) => startSpeaker(lab, node, { kubeconfigPath, logLevel: 'info', gracefulShutdownDelay: '0s' }));
  if (mode === 'l2') return speakers;
  const expected = lab.nodes.length * (lab.ipv6Sessions ? 2 : 1);
  await waitFor(
    async () => {
      const down = speakers.find((s) => !s.alive);
      if (down) throw new Error(`the speaker on ${down.node.name} exited; ${down.describe()}`);
      return (await bgpNeighbors(lab)).filter((n) => n.state === 'Established').length === expected;
    },
    30000,
    { what: `${expected} BGP sessions Established on the router`, intervalMs: 200 },
  );
  return speakers;
}

async function showRouter(lab: Lab): Promise<void> {
  heading(`router (${lab.routerKind}, AS ${lab.routerAsn}) neighbours`);
  for (const n of await bgpNeighbors(lab)) {
    process.stdout.write(`  ${n.address.padEnd(28)} AS ${String(n.remoteAs).padEnd(7)} ${n.state.padEnd(12)} ${n.prefixesReceived} prefixes received\n`);
  }
}

/** Waits until the router's kernel forwards the address over every node, then shows the route as the router tells it. */
async function showRoute(lab: Lab, address: string): Promise<void> {
  const prefix = `${address}/32`;
  const nodes = lab.nodes.map((n) => n.ipv4).sort();
  const view = await waitFor(
    async () => {
      const v = await routesFor(lab, prefix);
      return v.fibNextHops.join(' ') === nodes.join(' ') ? v : false;
    },
    30000,
    { what: `the router to forward ${prefix} over every node (${nodes.join(', ')})`, intervalMs: 200 },
  );
  const command = lab.routerKind === 'frr' ? `show ip route ${prefix}` : `show route for ${prefix} all`;
  heading(`router: ${command}`);
  process.stdout.write(indented(await lab.routerCli(command)));
  heading(`router: ip route show ${address} (the kernel's forwarding entry)`);
  process.stdout.write(indented(await lab.exec(lab.router, ['ip', 'route', 'show', address])));
  process.stdout.write(`${prefix} next hops: ${view.fibNextHops.join(' ')} (ECMP over every node; BGP paths from ${view.bgpPaths.map((p) => p.nextHop).sort().join(' ')})\n`);
}

/** Layer 2: which node owns the address, and whose MAC the client's neighbour entry holds. */
async function showOwner(lab: Lab, kubeconfig: string, address: string): Promise<void> {
  const owner = await waitFor(
    async () => {
      const text = await kubectl(kubeconfig, ['get', 'servicel2statuses', '-n', 'herald-system', '-o', 'jsonpath={.items[*].status.node}']);
      const nodes = text.split(/\s+/).filter((n) => n !== '');
      return nodes.length === 1 ? nodes[0] : false;
    },
    30000,
    { what: `one node to own ${address}`, intervalMs: 200 },
  );
  heading('kubectl get servicel2statuses -n herald-system (which node answers for the address, on which interface)');
  process.stdout.write(await kubectl(kubeconfig, ['get', 'servicel2statuses', '-n', 'herald-system']));
  const node = lab.nodes.find((n) => n.name === owner);
  const mac = await neighborMac(lab, address);
  heading(`ip netns exec ${lab.client.netns} ip neigh show ${address} (after the client asked ARP for it)`);
  process.stdout.write(`${address} is at ${mac ?? '(no entry)'}: ${mac !== undefined && mac === node?.mac ? `the MAC of ${owner}, its owner` : `not ${owner}'s MAC (${node?.mac ?? '?'})`}\n`);
}

async function showClient(lab: Lab, address: string, mode: DemoOptions['mode']): Promise<void> {
  const url = `http://${address}/`;
  heading(`ip netns exec ${lab.client.netns} curl ${url} (the client reaches the Service ${mode === 'bgp' ? 'through the router' : 'on its own segment, at the owning node'})`);
  const one = await clientRequest(lab, url);
  if (one.status !== 200) throw new Error(`the client's request to ${url} failed: HTTP ${one.status} ${one.error ?? ''}`);
  process.stdout.write(`client got HTTP ${one.status} from ${url}: answered by ${one.body} (${one.elapsedMs.toFixed(0)} ms)\n`);
  const spread = await clientRequests(lab, url, CLIENT_REQUESTS);
  const byNode = Object.entries(spread.byBody)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, n]) => `${node} ${n}`)
    .join(', ');
  process.stdout.write(`${CLIENT_REQUESTS} more requests, each a new connection: ${byNode}; failed ${spread.failed}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const left = cleanLeftovers();
  if (left.removed.length > 0) process.stdout.write(`${describeLeftovers(left)}\n`);

  heading(`building the lab: ${options.router} router, ${options.nodes} nodes, a client (${options.mode === 'bgp' ? 'BGP' : 'layer-2'} mode)`);
  const lab = await createLab({ nodes: options.nodes, router: options.router });
  let api: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let controller: ReturnType<typeof startController> | undefined;
  let speakers: SpeakerProcess[] = [];
  const shutdown = async (): Promise<void> => {
    await Promise.all(speakers.map((s) => s.stop()));
    if (controller) {
      controller.child.kill('SIGTERM');
      await controller.exited;
    }
    await api?.close();
    await lab.destroy();
  };
  try {
    api = await startApiServer({
      listen: ['127.0.0.1', lab.hostAddress],
      port: 0,
      crdsDir: CRDS_DIR,
      workDir: join(lab.runDir, 'api'),
    });
    const kubeconfig = api.kubeconfigPath('127.0.0.1');
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    for (const node of lab.nodes) await core.createNode({ body: labNodeObject(node) });

    process.stdout.write(`lab ${lab.prefix}: segment ${lab.segment.ipv4Cidr} and ${lab.segment.ipv6Cidr}\n`);
    process.stdout.write(`  router ${lab.router.ipv4}, nodes ${lab.nodes.map((n) => n.ipv4).join(' ')}, client ${lab.client.ipv4}\n`);
    process.stdout.write(`  API server ${api.url('127.0.0.1')} (nodes reach it at ${api.url(lab.hostAddress)})\n`);

    if (options.mode === 'bgp') {
      heading('kubectl apply -f examples/pool.yaml -f examples/service.yaml');
      process.stdout.write(
        await kubectl(kubeconfig, ['apply', '-f', join(REPO_ROOT, 'examples', 'pool.yaml'), '-f', join(REPO_ROOT, 'examples', 'service.yaml')]),
      );
      heading(`kubectl apply -f - (a BGPPeer for this lab's router at ${lab.router.ipv4})`);
      process.stdout.write(await kubectl(kubeconfig, ['apply', '-f', '-'], labBgpManifest(lab)));
    } else {
      heading(`kubectl apply -f - (a pool on the lab segment ${lab.segment.ipv4Cidr}, an L2Advertisement, the membership key) -f examples/service.yaml`);
      process.stdout.write(await kubectl(kubeconfig, ['apply', '-f', '-'], labL2Manifest(lab)));
      process.stdout.write(await kubectl(kubeconfig, ['apply', '-f', join(REPO_ROOT, 'examples', 'service.yaml')]));
    }

    heading('starting the controller');
    controller = startController(lab, kubeconfig);
    const ips = await waitForAddress(core, 'default', 'web', 30000);
    process.stdout.write(`default/web got ${ips.join(', ')} (controller log: ${controller.log})\n`);

    heading('kubectl get nodes');
    process.stdout.write(await kubectl(kubeconfig, ['get', 'nodes', '-o', 'wide']));
    heading('kubectl get ipaddresspools,l2advertisements,bgppeers,bgpadvertisements,svc -A');
    process.stdout.write(await kubectl(kubeconfig, ['get', 'ipaddresspools,l2advertisements,bgppeers,bgpadvertisements,svc', '-A']));
    heading('kubectl describe svc web (the allocation, as the Service tells it)');
    const described = await kubectl(kubeconfig, ['describe', 'svc', 'web', '-n', 'default']);
    process.stdout.write(described.slice(described.indexOf('LoadBalancer Ingress')));
    heading('kubectl get svc web -o jsonpath={.status}');
    process.stdout.write(`${await kubectl(kubeconfig, ['get', 'svc', 'web', '-n', 'default', '-o', 'jsonpath={.status}'])}\n`);
    const address = ips.find((ip) => !ip.includes(':'));
    if (address === undefined) throw new Error(`default/web got no IPv4 address (${ips.join(', ')}); the demo shows the IPv4 Service`);

    heading('starting a speaker in every node namespace');
    speakers = await startSpeakers(lab, api.kubeconfigPath(lab.hostAddress), options.mode);
    for (const s of speakers) process.stdout.write(`  ${s.node.name}: pid ${s.pid ?? '?'}, log ${join(lab.runDir, 'logs', `speaker-${s.node.name}.log`)}\n`);
    if (options.mode === 'bgp') {
      await showRouter(lab);
      process.stdout.write('  (sessions are up; nothing is announced yet: web has no ready pod)\n');
    }

    heading('kubectl apply -f - (the EndpointSlice of web: a ready pod on every node)');
    process.stdout.write(await kubectl(kubeconfig, ['apply', '-f', '-'], webEndpointsManifest(lab)));
    heading(`an HTTP responder for ${address} port 80 on every node (standing in for kube-proxy and the pods; it answers with its node's name)`);
    for (const node of lab.nodes) {
      await startResponder(lab, node, address, 80);
      process.stdout.write(`  ${node.name}\n`);
    }

    if (options.mode === 'bgp') {
      await showRoute(lab, address);
      heading('kubectl get servicebgpstatuses -n herald-system (who announces what, to which peers)');
      process.stdout.write(await kubectl(kubeconfig, ['get', 'servicebgpstatuses', '-n', 'herald-system']));
    } else {
      await showOwner(lab, kubeconfig, address);
    }
    await showClient(lab, address, options.mode);

    if (options.once) return;
    heading('the lab stays up until Ctrl-C; try');
    process.stdout.write(`  export KUBECONFIG=${kubeconfig}\n`);
    process.stdout.write('  kubectl get ipaddresspools -n herald-system -w\n');
    process.stdout.write(`  ip netns exec ${lab.client.netns} curl http://${address}/\n`);
    process.stdout.write('  kubectl delete endpointslice web-lab -n default    # no ready pod left: every node withdraws the route\n');
    const summary = lab.routerKind === 'frr' ? 'show bgp summary' : 'show protocols';
    process.stdout.write(`  ip netns exec ${lab.router.netns} ${routerCliArgv(lab.routerControl, summary).map(shellQuote).join(' ')}\n`);
    await new Promise<void>((resolveWait) => {
      process.once('SIGINT', () => resolveWait());
      process.once('SIGTERM', () => resolveWait());
    });
    heading('tearing down');
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
