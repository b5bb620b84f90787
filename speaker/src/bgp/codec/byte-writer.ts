/**
 * A growable big-endian byte sink for encoding. Values out of range are programming errors
 * (the message model was built wrong), so they throw RangeError naming the field.
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  get offset(): number {
    return this.length;
  }

  private ensure(n: number): void {
    const needed = this.length + n;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  u8(value: number, field = 'octet'): void {
    checkRange(value, 0xff, field);
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number, field = 'two-octet field'): void {
    checkRange(value, 0xffff, field);
    this.ensure(2);
    this.buffer[this.length++] = value >>> 8;
    this.buffer[this.length++] = value & 0xff;
  }

  u32(value: number, field = 'four-octet field'): void {
    checkRange(value, 0xffffffff, field);
    this.ensure(4);
    const b = this.buffer;
    b[this.length++] = value >>> 24;
    b[this.length++] = (value >>> 16) & 0xff;
    b[this.length++] = (value >>> 8) & 0xff;
    b[this.length++] = value & 0xff;
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** Overwrites two octets written earlier, e.g. a length known only after its contents. */
  patchU16(at: number, value: number, field: string): void {
    checkRange(value, 0xffff, field);
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value & 0xff;
  }

  /** The buffer being written: its first `offset` octets are the content. Valid until the next write. */
  get raw(): Uint8Array {
    return this.buffer;
  }

  /** Forgets everything written, keeping the buffer for reuse. */
  reset(): void {
    this.length = 0;
  }

  /** The written bytes, copied out so the writer can be dropped. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function checkRange(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${field} is ${value}; it must be a whole number from 0 to ${max}`);
  }
}
