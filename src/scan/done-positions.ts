/**
 * The shard-local positions at or above the engine's watermark that already
 * have a result: what a resume file must list as done (every position below the
 * watermark is done by definition). One bit per position from `base` on, in a
 * buffer that grows with the span of done positions ahead of the watermark and
 * slides forward as the watermark passes.
 *
 * Why not a Set of numbers: a sweep completes every position once, so a Set did
 * an insert and (after the watermark passed) a delete per probe, boxing each
 * position, on the main thread's per-result path.
 */
export class DonePositions {
  /** Position of bit 0 (a multiple of 8). */
  private base: number;
  private bits = new Uint8Array(1024);
  /** Positions below this are not kept (the caller's watermark). */
  private floor: number;

  /** `start`: the first position of the sweep (a resumed sweep starts past 0); nothing below it is kept. */
  constructor(start = 0) {
    this.floor = start;
    this.base = start - (start % 8);
  }

  /** Marks `position` done; positions below the floor are already implied. */
  add(position: number): void {
    if (position < this.floor) return;
    const offset = position - this.base;
    const byte = Math.floor(offset / 8);
    if (byte >= this.bits.length) this.grow(byte + 1);
    this.bits[byte] = (this.bits[byte] as number) | (1 << (offset % 8));
  }

  /** Everything below `watermark` is done: forget it (the buffer slides once half of it lies below). */
  advance(watermark: number): void {
    if (watermark <= this.floor) return;
    this.floor = watermark;
    const passedBytes = Math.floor((watermark - this.base) / 8);
    if (passedBytes * 2 < this.bits.length) return;
    this.bits.copyWithin(0, passedBytes);
    this.bits.fill(0, this.bits.length - passedBytes);
    this.base += passedBytes * 8;
  }

  /** The done positions at or above `from`, ascending. */
  positionsFrom(from: number): number[] {
    const positions: number[] = [];
    const start = Math.max(from, this.floor, this.base);
    for (let byte = Math.floor((start - this.base) / 8); byte < this.bits.length; byte += 1) {
      const value = this.bits[byte] as number;
      if (value === 0) continue;
      for (let bit = 0; bit < 8; bit += 1) {
        const position = this.base + byte * 8 + bit;
        if (value & (1 << bit) && position >= start) positions.push(position);
      }
    }
    return positions;
  }

  private grow(minimumBytes: number): void {
    let length = this.bits.length * 2;
    while (length < minimumBytes) length *= 2;
    const grown = new Uint8Array(length);
    grown.set(this.bits);
    this.bits = grown;
  }
}
