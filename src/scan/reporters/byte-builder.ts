/**
 * A growable byte buffer that report writers fill and the output writes in one
 * call. Reused batch after batch (reset()), so a sweep with a million results
 * allocates a handful of buffers, not a string per result.
 */
export class ByteBuilder {
  bytes: Uint8Array;
  /** Bytes written so far (the next write goes here). */
  length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `more` bytes past `length`, keeping what is written. */
  reserve(more: number): void {
    const needed = this.length + more;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Appends text as UTF-8. */
  appendText(text: string): void {
    this.reserve(text.length * 3);
    this.length += Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length).write(text, this.length, 'utf8');
  }

  /** The written bytes (a view; valid until the next write or reset). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
