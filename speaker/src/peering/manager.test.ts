import { expect } from 'chai';
import { Writable } from 'node:stream';
import { expectValid, peer } from '@herald/shared/config/test-fixtures.js';
import { createLogger } from '@herald/shared/log/logger.js';
import type { RouteIntent } from '../announce/types.js';
import { isEndOfRib } from '../bgp/codec/index.js';
import type { Message, Prefix, UpdateMessage } from '../bgp/messages.js';
import { type ScriptedConnection, ScriptedListener, scriptedOpen } from '../bgp/session/scripted-peer.js';
import { SpeakerMetrics } from '../metrics/metrics.js';
import { Peering } from './manager.js';

const log = createLogger({ component: 'peering-test', level: 'error', stream: new Writable({ write: (_c, _e, done) => done() }) });

function hostIntent(i: number, communities: number[] = []): RouteIntent {
  return { prefix: { family: 4, network: 0xc6336400n + BigInt(i), length: 32 }, communities, largeCommunities: [], services: [`ns/svc-${i}`] };
}

function isUpdate(m: Message): m is UpdateMessage {
  return m.type === 'update';
}

function text(p: Prefix): string {
  return `${p.network.toString(16)}/${p.length}`;
}

async function untilEndOfRib(connection: ScriptedConnection, families: number): Promise<void> {
  for (let seen = 0; seen < families; ) if (isEndOfRib((await connection.next(isUpdate)) as UpdateMessage) !== undefined) seen += 1;
}

describe('Peering over loopback', function () {
  this.timeout(20_000);
  let listener: ScriptedListener | undefined;
  let peering: Peering | undefined;

  afterEach(async () => {
    await peering?.stop(0);
    await listener?.stop();
  });

  it('applies a change of two routes among a thousand as UPDATEs carrying only those two', async () => {
    listener = await ScriptedListener.start();
    const config = expectValid({ bgpPeers: [peer('tor', { peerAddress: '127.0.0.1', peerPort: listener.port, peerASN: 64513 })] });
    peering = new Peering({ nodeName: 'n1', nodeAddresses: () => [], listenPort: 0, log, metrics: new SpeakerMetrics({ processMetrics: false }) });
    await peering.start();
    peering.setPeers(config.peers);
    const intents = Array.from({ length: 1000 }, (_, i) => hostIntent(i));
    peering.applyRoutes(new Map([['tor', { added: intents, changed: [], withdrawn: [] }]]));
    const connection = await listener.accepted();
    await connection.handshake(scriptedOpen(64513, 0x0a000009));
    await untilEndOfRib(connection, 2);

    const before = connection.received.length;
    peering.applyRoutes(new Map([['tor', { added: [], changed: [hostIntent(5, [0xfc000001])], withdrawn: [hostIntent(7)] }]]));
    await peering.flushed();
    // flushed() means written to the socket; give loopback a moment to deliver.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const updates = connection.received.slice(before).filter(isUpdate);
    expect(updates.flatMap((u) => u.nlri).map(text)).to.deep.equal(['c6336405/32']);
    expect(updates.flatMap((u) => u.withdrawn).map(text)).to.deep.equal(['c6336407/32']);
    expect(updates.find((u) => u.nlri.length > 0)?.attributes.communities).to.deep.equal([0xfc000001]);
  });
});
