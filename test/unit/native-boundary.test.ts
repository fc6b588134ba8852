// The native boundary is declared once (native/boundary.json); the C++ header
// and the TypeScript module the addon and the library compile against are
// generated from it. These tests prove both are what that declaration gives,
// and that a layout no reader could follow is refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as boundary from '../../src/native-boundary.js';

interface Output {
  kind: 'cxx' | 'ts';
  path: string;
  text: string;
}
interface Generator {
  readBoundary(): Boundary;
  validateBoundary(b: Boundary): Boundary;
  expectedOutputs(b?: Boundary): Output[];
}
interface Boundary {
  record: { bytes: number; fields: { name: string; offset: number; type: string }[] };
  recordFlags: { name: string; value: number }[];
  stats: { entries: { name: string }[] };
  enums: { ts: string; cxx: string; values: { name: string; value: number }[] }[];
  failureHints: { values: { name: string }[] };
}

const generatorPath = new URL('../../scripts/generate-boundary.mjs', import.meta.url).href;
const generator = (await import(generatorPath)) as Generator;
const copy = (): Boundary => JSON.parse(JSON.stringify(generator.readBoundary())) as Boundary;

describe('native boundary: one declaration, two generated files', () => {
  it('native/core/boundary.h and src/native-boundary.ts are what native/boundary.json gives', () => {
    for (const output of generator.expectedOutputs()) {
      expect(readFileSync(output.path, 'utf8'), `${output.path}: run node scripts/generate-boundary.mjs`).toBe(output.text);
    }
  });

  it('the TypeScript constants carry the declared values', () => {
    const declared = generator.readBoundary();
    expect(boundary.RESULT_RECORD_BYTES).toBe(declared.record.bytes);
    expect(Object.entries(boundary.RECORD)).toEqual(declared.record.fields.map((f) => [f.name, f.offset]));
    expect(boundary.STATS.length).toBe(declared.stats.entries.length);
    declared.stats.entries.forEach((entry, index) => expect(boundary.STATS[entry.name as keyof typeof boundary.STATS]).toBe(index));
    for (const e of declared.enums) {
      const generated = (boundary as unknown as Record<string, Record<string, number>>)[e.ts];
      expect(generated).toEqual(Object.fromEntries(e.values.map((v) => [v.name, v.value])));
    }
    expect(boundary.SWEEP_FAILURE_HINTS).toEqual(declared.failureHints.values.map((h) => h.name));
  });

  it('the C++ header declares every enum value, record field, stats index and hint', () => {
    const header = generator.expectedOutputs().find((output) => output.kind === 'cxx')?.text ?? '';
    const declared = generator.readBoundary();
    expect(header).toContain(`constexpr size_t kBytes = ${declared.record.bytes};`);
    expect(header).toContain('constexpr size_t kRttMicros = 8;');
    expect(header).toContain(`constexpr size_t kLength = ${declared.stats.entries.length};`);
    expect(header).toContain('constexpr size_t kWatermark = 8;');
    expect(header).toContain('enum class Reason : uint8_t {');
    expect(header).toContain('  IcmpPortUnreachable = 9,');
    expect(header).toContain('constexpr const char* kRawSocketPermission = "raw-socket-permission";');
    expect(header).toContain('constexpr uint16_t kTarpit = 1;');
  });

  it('refuses overlapping, misaligned or out-of-record fields, repeated names and values, and flags of more than one bit', () => {
    const broken: Array<[string, (b: Boundary) => void, RegExp]> = [
      ['overlap', (b) => { b.record.fields[1]!.offset = 0; }, /overlap at byte 0/],
      ['outside', (b) => { b.record.fields.at(-1)!.offset = 36; }, /inside the 40-byte record/],
      ['misaligned', (b) => { b.record.fields.find((f) => f.name === 'rttMicros')!.offset = 9; }, /aligned to 4/],
      ['unknown type', (b) => { b.record.fields[0]!.type = 'u64'; }, /expected a type of/],
      ['repeated stat', (b) => { b.stats.entries.push({ name: 'sent' }); }, /stats: sent twice/],
      ['repeated value', (b) => { b.enums[0]!.values[1]!.value = 1; }, /NativePortState values: 1 twice/],
      ['two-bit flag', (b) => { b.recordFlags[0]!.value = 3; }, /one bit of 16/],
    ];
    for (const [, breakIt, message] of broken) {
      const b = copy();
      breakIt(b);
      expect(() => generator.validateBoundary(b)).toThrow(message);
    }
    expect(() => generator.validateBoundary(copy())).not.toThrow();
  });
});
