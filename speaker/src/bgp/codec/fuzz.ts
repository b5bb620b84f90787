/*
 * The codec's fuzz run (not a test; `make fuzz`): mutates valid messages and feeds them to
 * decodeMessage and FrameReader, checking that nothing throws, that every failure is a known
 * NOTIFICATION, that its NOTIFICATION encodes, and that no message takes longer than a bound.
 *
 *   node speaker/dist/bgp/codec/fuzz.js [--iterations N] [--seed S] [--max-ms M]
 *
 * Exits 1 with the offending input in hex on the first failure.
 */
import { decodeMessage, encodeMessage } from './message.js';
import { FrameReader } from './frame-reader.js';
import { NOTIFICATION_CODES, describeNotification } from './notification-codes.js';
import { notificationFromError } from './notification.js';
import { fixHeaderLength, mutate, seededRandom, type Random } from './mutations.js';
import { SEED_OPTIONS, seedMessages } from './seeds.js';
import type { DecodeResult } from './errors.js';
import type { SessionCodecOptions } from '../messages.js';

interface Settings {
  iterations: number;
  seed: number;
  maxMs: number;
}

function parseArguments(argv: readonly string[]): Settings {
  const settings: Settings = { iterations: 1_000_000, seed: 4271, maxMs: 50 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    const key = flag === '--iterations' ? 'iterations' : flag === '--seed' ? 'seed' : flag === '--max-ms' ? 'maxMs' : undefined;
    if (key === undefined || !Number.isFinite(value) || value < 0) {
      process.stderr.write(`fuzz: unknown argument ${JSON.stringify(flag)}; use --iterations N, --seed S, --max-ms M\n`);
      process.exit(2);
    }
    settings[key] = value;
    i++;
  }
  return settings;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function fail(what: string, input: Uint8Array, options: SessionCodecOptions, detail: unknown): never {
  process.stderr.write(`fuzz: ${what}\n  options ${JSON.stringify(options)}\n  input ${hex(input)}\n  ${String(detail)}\n`);
  process.exit(1);
}

/** Calls slower than this are timed again before they count as the slowest. */
const RETIME_MS = 0.2;

const MESSAGE_TYPE_NAMES = ['', 'open', 'update', 'notification', 'keepalive', 'route-refresh'];

/** Checks one result's shape; returns the label it is counted under. */
function label(result: DecodeResult, input: Uint8Array, options: SessionCodecOptions): string {
  if (result.ok) {
    if (MESSAGE_TYPE_NAMES[input[18]!] !== result.message.type) fail('decoded type differs from the header type', input, options, result.message.type);
    return `ok ${result.message.type}${result.treatAsWithdraw ? ' (treat-as-withdraw)' : ''}`;
  }
  const { code, subcode } = result.error;
  if (!NOTIFICATION_CODES.has(code) || describeNotification(code, subcode).includes('unknown')) {
    fail('error with a code or subcode outside the registry', input, options, `${code}/${subcode}`);
  }
  // The answer must be sendable on this very session.
  encodeMessage(notificationFromError(result.error), options);
  return `${code}/${subcode} ${describeNotification(code, subcode)}`;
}

function timedDecode(input: Uint8Array, options: SessionCodecOptions): { result: DecodeResult; ms: number } {
  const t0 = performance.now();
  try {
    const result = decodeMessage(input, options);
    return { result, ms: performance.now() - t0 };
  } catch (error) {
    fail('decodeMessage threw', input, options, error instanceof Error ? error.stack : error);
  }
}

function run(settings: Settings): void {
  const random: Random = seededRandom(settings.seed);
  const seeds = seedMessages();
  const corpus = seeds.map((s) => s.bytes);
  const counts = new Map<string, number>();
  let slowest = { ms: 0, name: '', length: 0 };
  let stalls = 0;
  const started = performance.now();

  for (let i = 0; i < settings.iterations; i++) {
    const seed = seeds[Math.floor(random() * seeds.length)]!;
    const mutated = mutate(seed.bytes, random, corpus).bytes;
    // Mostly repair the header length, so mutations reach the body parsers.
    const input = random() < 0.75 ? fixHeaderLength(mutated) : mutated;
    const options = random() < 0.8 ? seed.options : SEED_OPTIONS[Math.floor(random() * SEED_OPTIONS.length)]!;

    const first = timedDecode(input, options);
    const result = first.result;
    let ms = first.ms;
    // A garbage-collection pause or a busy machine can stall one call; a slow input stays slow,
    // so an unusually slow call is timed again and its best time counts.
    if (ms > RETIME_MS) {
      if (ms > settings.maxMs) stalls++;
      for (let retry = 0; retry < 5 && ms > RETIME_MS; retry++) ms = Math.min(ms, timedDecode(input, options).ms);
      if (ms > settings.maxMs) fail(`decodeMessage took ${ms.toFixed(1)} ms at best of 6 tries, over the ${settings.maxMs} ms bound`, input, options, seed.name);
    }
    if (ms > slowest.ms) slowest = { ms, name: seed.name, length: input.length };
    const key = label(result, input, options);
    counts.set(key, (counts.get(key) ?? 0) + 1);

    if (i % 16 === 0) streamThroughFrameReader(input, random, options, corpus);
  }

  const seconds = (performance.now() - started) / 1000;
  const ok = [...counts].filter(([k]) => k.startsWith('ok')).reduce((n, [, c]) => n + c, 0);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  for (const [key, count] of sorted) process.stdout.write(`  ${String(count).padStart(9)}  ${key}\n`);
  process.stdout.write(
    `fuzz: ${settings.iterations} mutated messages (seed ${settings.seed}) in ${seconds.toFixed(1)} s: ` +
      `${ok} ok, ${settings.iterations - ok} errors; no throw; slowest ${slowest.ms.toFixed(2)} ms ` +
      `(${slowest.name}, ${slowest.length} octets, bound ${settings.maxMs} ms; ${stalls} calls over the bound were stalls that did not repeat)\n`,
  );
}

/** A mutated message between two valid ones, cut into random chunks: nothing throws, and framing either fails or yields frames. */
function streamThroughFrameReader(input: Uint8Array, random: Random, options: SessionCodecOptions, corpus: readonly Uint8Array[]): void {
  const before = corpus[Math.floor(random() * corpus.length)]!;
  const after = corpus[Math.floor(random() * corpus.length)]!;
  const stream = new Uint8Array(before.length + input.length + after.length);
  stream.set(before);
  stream.set(input, before.length);
  stream.set(after, before.length + input.length);
  const reader = new FrameReader(options.extendedMessage ? 65535 : 4096);
  let at = 0;
  try {
    while (at < stream.length) {
      const size = 1 + Math.floor(random() * 700);
      const { frames } = reader.push(stream.subarray(at, at + size));
      at += size;
      for (const frame of frames) label(decodeMessage(frame, options), frame, options);
    }
  } catch (error) {
    fail('FrameReader or decoding a frame threw', stream, options, error instanceof Error ? error.stack : error);
  }
}

run(parseArguments(process.argv.slice(2)));
