import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedPath, readDerived, sourceIdentity, view, writeDerived } from '../../../src/registry/derived-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'portpick-derived-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('derived files', () => {
  const source = join(dir, 'source.txt');
  writeFileSync(source, 'some registry text\n');
  const file = derivedPath(dir, 'test-kind/1', source);

  it('round-trip a header and aligned sections for the same source identity', () => {
    const identity = sourceIdentity(source)!;
    const numbers = Float64Array.from([0.5, 0.25]);
    const bytes = Uint8Array.from([1, 2, 3]);
    const ports = Uint16Array.from([22, 80, 443]);
    expect(writeDerived(file, 'test-kind/1', source, identity, { rows: 3 }, [numbers, bytes, ports])).toBe(true);
    const stored = readDerived<{ rows: number }>(file, 'test-kind/1', source, identity);
    expect(stored?.header).toEqual({ rows: 3 });
    expect(stored?.sections.every((section) => section.byteOffset % 8 === 0)).toBe(true);
    expect([...view(Float64Array, stored!.sections[0]!)]).toEqual([0.5, 0.25]);
    expect([...stored!.sections[1]!]).toEqual([1, 2, 3]);
    expect([...view(Uint16Array, stored!.sections[2]!)]).toEqual([22, 80, 443]);
    expect(file).toMatch(/derived[\\/]test-kind-1-[0-9a-f]{16}\.bin$/);
  });

  it('miss on another kind, another source, a changed identity or damage', () => {
    const identity = sourceIdentity(source)!;
    expect(readDerived(file, 'other-kind/1', source, identity)).toBeNull();
    expect(readDerived(file, 'test-kind/1', join(dir, 'elsewhere.txt'), identity)).toBeNull();
    expect(readDerived(file, 'test-kind/1', source, { ...identity, mtimeNs: '1' })).toBeNull();
    const data = readFileSync(file);
    writeFileSync(file, data.subarray(0, data.length - 4));
    expect(readDerived(file, 'test-kind/1', source, identity)).toBeNull();
    writeFileSync(file, 'not a derived file');
    expect(readDerived(file, 'test-kind/1', source, identity)).toBeNull();
    expect(readDerived(join(dir, 'missing.bin'), 'test-kind/1', source, identity)).toBeNull();
  });

  it('views whole elements only, so a damaged section length cannot throw', () => {
    const section = new Uint8Array(new ArrayBuffer(16), 0, 10);
    expect(view(Float64Array, section).length).toBe(1);
    expect(view(Uint32Array, section).length).toBe(2);
  });

  it('report false, leaving nothing, when the directory cannot be written', () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, 'x');
    expect(writeDerived(join(blocked, 'derived', 'x.bin'), 'test-kind/1', source, sourceIdentity(source)!, {}, [])).toBe(false);
  });
});
