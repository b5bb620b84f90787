// `make demo`: the lab network, the lab API server, the examples applied, and what an operator
// would look at. It shows what exists; parts not built yet are named as such, never faked.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../apiserver/server.js';
import { CRDS_DIR, REPO_ROOT } from '../harness/cluster.js';
import { labNodeObject } from '../harness/nodes.js';
import { routerCliArgv } from '../lab/router.js';
import { bgpNeighbors, cleanLeftovers, createLab, describeLeftovers, waitFor, type Lab } from '../lab/index.js';

const run = promisify(execFile);

interface DemoOptions {
  router: 'frr' | 'bird';
  nodes: number;
  once: boolean;
}

function parseOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      router: { type: 'string', default: 'frr' },
      nodes: { type: 'string', default: '3' },
      once: { type: 'boolean', default: false },
    },
  });
  const router = values.router;
  if (router !== 'frr' && router !== 'bird') throw new Error(`--router: ${router} is neither frr nor bird`);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error(`--nodes: ${values.nodes} is not a whole number from 1 to 16`);
  return { router, nodes, once: values.once ?? false };
}

function shellQuote(word: string): string {
  return /^[\w./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
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

/** examples/bgp.yaml names a router the lab does not have: peer with this lab's router instead. */
function labBgpManifest(lab: Lab): string {
  return `apiVersion: heraldlb.io/v1beta1
kind: BGPPeer
metadata: { name: lab-router, namespace: herald-system }
spec: { myASN: ${lab.nodePeers[0]?.asn ?? 64512}, peerASN: ${lab.routerAsn}, peerAddress: ${lab.router.ipv4} }
---
apiVersion: heraldlb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: lab, namespace: herald-system }
spec: { ipAddressPools: [default], peers: [lab-router] }
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

async function showRouter(lab: Lab): Promise<void> {
  heading(`router (${lab.routerKind}, AS ${lab.routerAsn}) neighbours`);
  for (const n of await bgpNeighbors(lab)) {
    process.stdout.write(`  ${n.address.padEnd(28)} AS ${String(n.remoteAs).padEnd(7)} ${n.state}\n`);
  }
  process.stdout.write('  (no speaker runs yet, so no session is Established and nothing answers for the address: issues 4 and 5)\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const left = cleanLeftovers();
  if (left.removed.length > 0) process.stdout.write(`${describeLeftovers(left)}\n`);

  heading(`building the lab: ${options.router} router, ${options.nodes} nodes, a client`);
  const lab = await createLab({ nodes: options.nodes, router: options.router });
  let api: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let controller: ReturnType<typeof startController> | undefined;
  const shutdown = async (): Promise<void> => {
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

    heading('kubectl apply -f examples/pool.yaml -f examples/service.yaml');
    process.stdout.write(
      await kubectl(kubeconfig, ['apply', '-f', join(REPO_ROOT, 'examples', 'pool.yaml'), '-f', join(REPO_ROOT, 'examples', 'service.yaml')]),
    );
    heading(`kubectl apply -f - (a BGPPeer for this lab's router at ${lab.router.ipv4})`);
    process.stdout.write(await kubectl(kubeconfig, ['apply', '-f', '-'], labBgpManifest(lab)));

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

    await showRouter(lab);

    if (options.once) return;
    heading('the lab stays up until Ctrl-C; try');
    process.stdout.write(`  export KUBECONFIG=${kubeconfig}\n`);
    process.stdout.write('  kubectl get ipaddresspools -n herald-system -w\n');
    process.stdout.write(`  ip netns exec ${lab.client.netns} ping -c1 ${lab.nodes[0]?.ipv4 ?? ''}\n`);
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
