import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH } from '../messages.js';
import type { BgpError } from './errors.js';
import { checkHeader, messageLength } from './header.js';

/**
 * Splits a TCP byte stream into whole BGP messages. Chunks are kept as a list until a whole
 * message is there, so a peer trickling one octet at a time costs linear, not quadratic, work.
 * Frames may share memory with the pushed chunks: do not change a chunk after pushing it.
 * After a header error the stream is out of step for good: every later push returns that error.
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Length of the message whose header has been read, 0 while waiting for a header. */
  private expected = 0;
  private error: BgpError | undefined;

  constructor(private maxLength: number = MAX_MESSAGE_LENGTH) {
    this.setMaxLength(maxLength);
  }

  /** After OPEN: 65535 when both sides advertised extended messages (RFC 8654). */
  setMaxLength(n: number): void {
    if (!Number.isInteger(n) || n < HEADER_LENGTH || n > MAX_EXTENDED_MESSAGE_LENGTH) {
      throw new RangeError(`maximum message length ${n} is outside ${HEADER_LENGTH}..${MAX_EXTENDED_MESSAGE_LENGTH}`);
    }
    this.maxLength = n;
  }

  push(chunk: Uint8Array): { frames: Uint8Array[]; error?: BgpError } {
    if (this.error !== undefined) return { frames: [], error: this.error };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.expected === 0) {
        if (this.buffered < HEADER_LENGTH) break;
        const head = this.front(HEADER_LENGTH);
        const error = checkHeader(head, 0, this.maxLength);
        if (error !== undefined) {
          this.error = error;
          this.chunks = [];
          this.buffered = 0;
          return { frames, error };
        }
        this.expected = messageLength(head, 0);
      }
      if (this.buffered < this.expected) break;
      const data = this.front(this.buffered);
      frames.push(data.subarray(0, this.expected));
      const rest = data.subarray(this.expected);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = 0;
    }
    return { frames };
  }

  /** At least the first n buffered octets as one array; joins chunks only when they straddle n. */
  private front(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const joined = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      joined.set(c, at);
      at += c.length;
    }
    this.chunks = [joined];
    return joined;
  }
}
