import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';

/** The README's library example, through the package's own name and exports map (dist/). */
describe('import("portpick")', () => {
  it('exposes the documented API and answers like the CLI', async () => {
    const fixtures = join(repoRoot, 'test', 'fixtures', 'cli');
    const script = `
      const lib = await import('portpick');
      const sources = await lib.loadSources({
        ianaFile: ${JSON.stringify(join(fixtures, 'iana-small.csv'))},
        nmapServicesFile: ${JSON.stringify(join(fixtures, 'nmap-services-small'))},
        servicesFile: ${JSON.stringify(join(fixtures, 'services-small'))},
        listeners: false,
      });
      const free = await lib.check({ sources, port: 7405, bindProbe: false });
      const taken = await lib.check({ sources, port: 7410, bindProbe: false });
      const { candidates } = await lib.suggest({ sources, range: '7400-7420', count: 2, bindProbe: false });
      let error;
      try { await lib.check({ sources, port: 70000 }); } catch (e) { error = e; }
      console.log(JSON.stringify({
        exports: ['scan', 'scanMany', 'check', 'suggest', 'freePorts', 'ranges', 'request', 'update', 'sources', 'mergeJsonLines', 'mapPorts', 'PortSpecError'].filter((n) => typeof lib[n] !== 'function'),
        deepPaths: await Promise.all(['portpick/dist/scan/scan.js', 'portpick/dist/index.js', 'portpick/package.json'].map((path) => import(path).then(() => 'loaded', (e) => e.code))),
        free: free.overall, taken: taken.overall, candidates: candidates.map((c) => c.port),
        errorIsTyped: error instanceof lib.PortSpecError || error instanceof lib.PortpickError, errorCode: error && error.code,
      }));`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr || String(error))) : resolve(stdout),
      ),
    );
    const result = JSON.parse(output);
    expect(result.exports).toEqual([]);
    // The exports map exposes the package's root only: no internal module is reachable by a deep path.
    expect(result.deepPaths).toEqual(['ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);
    expect(result.free).toBe('free');
    expect(result.taken).toBe('conflict');
    // 7400 sits next to 7399, which has no IANA row: ports with unassigned neighbours rank first.
    expect(result.candidates).toEqual([7404, 7405]);
    expect(result.errorIsTyped).toBe(true);
    expect(result.errorCode).toMatch(/^ERR_/);
  });
});
