import { describe, expect, it } from 'vitest';
import * as library from '../../../src/index.js';

/**
 * The library's public surface: each value exported is a promise to callers,
 * so the list is written out here and a new export must be added on purpose
 * (and documented: docs/api.md is generated from src/index.ts).
 */
const FUNCTIONS = [
  'check',
  'checkPorts',
  'freePorts',
  'inventory',
  'loadSources',
  'mapPorts',
  'mergeJsonLines',
  'mergeJsonLinesFiles',
  'pickPort',
  'portMapJson',
  'ranges',
  'renderHtml',
  'renderSvg',
  'renderTerminal',
  'request',
  'reserve',
  'scan',
  'scanMany',
  'sources',
  'suggest',
  'update',
];
const ERRORS = [
  'FileAccessError',
  'InvalidArgumentError',
  'NativeUnavailableError',
  'NoFreePortError',
  'PermissionError',
  'PortSpecError',
  'PortpickError',
  'RegistryParseError',
  'ScanOutputParseError',
  'SourceUnavailableError',
  'SweepError',
  'SweepRefusedError',
  'TargetParseError',
  'UncheckedSourcesError',
  'UpdateError',
];

describe('the public API', () => {
  it('exports the functions and the typed errors, nothing else', () => {
    expect(Object.keys(library).sort()).toEqual([...FUNCTIONS, ...ERRORS].sort());
    for (const name of FUNCTIONS) expect(typeof library[name as keyof typeof library], name).toBe('function');
    for (const name of ERRORS) {
      const ErrorClass = library[name as keyof typeof library] as unknown as new (...args: never[]) => Error;
      expect(ErrorClass.prototype instanceof Error || ErrorClass === library.PortpickError, name).toBe(true);
      expect(ErrorClass === library.PortpickError || ErrorClass.prototype instanceof library.PortpickError, name).toBe(true);
    }
  });

  it("gives a scan's results one at a time (the handle) or a batch at a time (batches()), and no third way", async () => {
    // A dry run plans and sends nothing.
    const handle = library.scan({ targets: '127.0.0.1', ports: '9', dryRun: true, seed: 1 });
    expect(Object.keys(handle).sort()).toEqual(['abort', 'batches', 'plan', 'resumeState', 'summary', 'summarySoFar']);
    expect(typeof handle[Symbol.asyncIterator]).toBe('function');
    expect('recordBatches' in handle).toBe(false);
    const results = [];
    for await (const result of handle) results.push(result);
    expect(results).toEqual([]);
    expect((await handle.summary).planned).toBe(1);
  });

  it('takes no test hook among the scan options', () => {
    // An option the library does not know is ignored, never obeyed: the engine probe is internal.
    const engineProbe = { loadAddon: () => null, unavailableReason: () => 'stand-in addon (test)' };
    const handle = library.scan({ targets: '127.0.0.1', ports: '9', dryRun: true, seed: 1, engineProbe } as never);
    return handle.plan.then((plan) => expect(plan.engineReason).not.toContain('stand-in addon'));
  });
});
