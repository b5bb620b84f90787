import { expect } from 'chai';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@herald/shared/log/logger.js';
import { GRACEFUL_SHUTDOWN, type OutboundRoute } from '../codec/index.js';
import { BgpSession } from './session.js';

const run = promisify(execFile);

const HERALD_ASN = 64512;
const GOBGP_ASN = 64513;
const V4: [string, OutboundRoute] = [
  '198.51.100.1/32',
  {
    prefix: { family: 4, network: 0xc6336401n, length: 32 },
    attributes: { communities: [0xfde80064], largeCommunities: [{ globalAdministrator: HERALD_ASN, localData1: 1, localData2: 2 }] },
    nextHop: 0xc0000201n,
  },
];
const V6: [string, OutboundRoute] = [
  '2001:db8:5::1/128',
  { prefix: { family: 6, network: 0x20010db8000500000000000000000001n, length: 128 }, attributes: {}, nextHop: 0x20010db8000000000000000000000001n },
];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function gobgpToml(bgpPort: number): string {
  return `[global.config]
  as = ${GOBGP_ASN}
  router-id = "10.0.0.9"
  port = ${bgpPort}
  local-address-list = ["127.0.0.1"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = ${HERALD_ASN}
  [neighbors.transport.config]
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
`;
}

interface RibPath {
  attrs?: { type: number; communities?: number[]; as_paths?: { asns: number[] }[]; nexthop?: string }[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gobgpd interop: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('BGP session against gobgpd on loopback @lab', function () {
  this.timeout(60_000);
  let dir: string;
  let gobgpd: ChildProcess | undefined;
  let apiPort: number;
  let bgpPort: number;
  let session: BgpSession | undefined;

  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await run('gobgp', ['-p', String(apiPort), ...args], { timeout: 5000 });
    return stdout;
  }

  async function rib(family: 'ipv4' | 'ipv6'): Promise<Record<string, RibPath[]>> {
    const text = (await cli('-j', 'global', 'rib', '-a', family)).trim();
    return text === '' ? {} : (JSON.parse(text) as Record<string, RibPath[]>);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `herald-session-gobgp-${process.pid}-`));
    bgpPort = await freePort();
    apiPort = await freePort();
    writeFileSync(join(dir, 'gobgpd.toml'), gobgpToml(bgpPort));
    gobgpd = spawn('gobgpd', ['-f', join(dir, 'gobgpd.toml'), '--api-hosts', `127.0.0.1:${apiPort}`, '--pprof-disable', '-p'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = join(dir, 'gobgpd.log');
    writeFileSync(log, '');
    gobgpd.stdout?.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
    gobgpd.stderr?.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
    await waitFor('gobgpd answering on its API', async () => {
      await cli('neighbor');
      return true;
    });
  });

  after(async () => {
    await session?.stop();
    if (gobgpd !== undefined && gobgpd.exitCode === null) {
      const exited = new Promise((resolve) => gobgpd!.once('exit', resolve));
      gobgpd.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches Established, gobgpd installs both families, then sees GRACEFUL_SHUTDOWN and Cease', async () => {
    session = new BgpSession({
      peerName: 'gobgpd',
      peerAddress: { family: 4, value: 0x7f000001n },
      peerPort: bgpPort,
      peerASN: GOBGP_ASN,
      localASN: HERALD_ASN,
      routerId: 0x0a000005,
      sourceAddress: { family: 4, value: 0x7f000001n },
      holdTimeSeconds: 9,
      keepaliveTimeSeconds: 3,
      connectTimeSeconds: 5,
      gracefulRestart: true,
      ibgp: false,
      ebgpMultiHop: false,
      logger: createLogger({ component: 'bgp-session-interop', level: 'error' }),
    });
    session.setRoutes(new Map([V4, V6]));
    session.start();

    const v4 = await waitFor('the IPv4 route in gobgpd', async () => (await rib('ipv4'))['198.51.100.1/32']?.[0]);
    const attrs = v4.attrs ?? [];
    expect(attrs.find((a) => a.type === 2)?.as_paths?.[0]?.asns).to.deep.equal([HERALD_ASN]);
    expect(attrs.find((a) => a.type === 3)?.nexthop).to.equal('192.0.2.1');
    expect(attrs.find((a) => a.type === 8)?.communities).to.deep.equal([0xfde80064]);
    await waitFor('the IPv6 route in gobgpd', async () => (await rib('ipv6'))['2001:db8:5::1/128']?.[0]);

    session.setRoutes(new Map([V6]));
    await waitFor('the IPv4 withdrawal in gobgpd', async () => ((await rib('ipv4'))['198.51.100.1/32'] === undefined ? true : undefined));

    const shuttingDown = session.shutdown({ gracefulShutdownMs: 1500 });
    const tagged = await waitFor('GRACEFUL_SHUTDOWN on the IPv6 route', async () => {
      const path = (await rib('ipv6'))['2001:db8:5::1/128']?.[0];
      return path?.attrs?.find((a) => a.type === 8)?.communities?.includes(GRACEFUL_SHUTDOWN) ? path : undefined;
    });
    expect(tagged).to.not.equal(undefined);
    await shuttingDown;
    await waitFor('gobgpd logging the Cease', async () =>
      /received notification.*Code=6.*Subcode=2/.test(readFileSync(join(dir, 'gobgpd.log'), 'utf8')) ? true : undefined,
    );
    await waitFor('the routes gone from gobgpd', async () => (Object.keys(await rib('ipv6')).length === 0 ? true : undefined));
  });
});
