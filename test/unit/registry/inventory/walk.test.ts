import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccessError } from '../../../../src/errors/index.js';
import { inventoryPaths } from '../../../../src/registry/inventory/inventory.js';
import { repoRoot } from '../../../helpers/registry-files.js';

/**
 * The walk: .gitignore (nested, negated, from above the root), vendored
 * directories, symbolic links, binary, oversized and unreadable files. The
 * tree is made per run: git would not keep ignored files or node_modules.
 */
let base: string;
const compose = (port: number): string => `services:\n  svc:\n    ports:\n      - "${port}:${port}"\n`;

function write(relative: string, text: string | Buffer): void {
  const file = join(base, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const portsIn = (root: string, options = {}): number[] => [...new Set(inventoryPaths([root], options).findings.map((f) => f.first))].sort((a, b) => a - b);

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'portpick-walk-'));
  // A git work tree whose top .gitignore applies to the walked subdirectory `repo/services`.
  mkdirSync(join(base, 'repo', '.git', 'info'), { recursive: true });
  write('repo/.git/info/exclude', 'local-only/\n');
  write('repo/.gitignore', 'generated/\n*.tmp.yml\n');
  write('repo/services/docker-compose.yml', compose(7001));
  write('repo/services/generated/docker-compose.yml', compose(7002)); // ignored from above
  write('repo/services/x.tmp.yml', compose(7003)); // ignored from above (and compose-shaped)
  write('repo/services/local-only/compose.yaml', compose(7004)); // .git/info/exclude
  write('repo/services/.gitignore', 'drafts/*\n!drafts/keep.compose.yml\n');
  write('repo/services/drafts/docker-compose.yml', compose(7005)); // ignored here
  write('repo/services/drafts/keep.compose.yml', compose(7006)); // re-included by !pattern
  write('repo/services/node_modules/pkg/docker-compose.yml', compose(7007));
  write('repo/services/vendor/lib/Dockerfile', 'EXPOSE 7008\n');
  write('repo/services/api/Dockerfile', 'EXPOSE 7009\n');
  write('repo/services/api/.env', Buffer.concat([Buffer.from('PORT=7010\n'), Buffer.from([0, 1, 2])])); // binary
  write('repo/services/big/docker-compose.yml', `${compose(7011)}# ${'x'.repeat(5000)}\n`);
  write('outside/docker-compose.yml', compose(7012));
  symlinkSync(join(base, 'outside'), join(base, 'repo', 'services', 'linked-dir'));
  symlinkSync(join(base, 'outside', 'docker-compose.yml'), join(base, 'repo', 'services', 'api', 'docker-compose.yml'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the inventory walk', () => {
  it('respects .gitignore from the work tree top down, .git/info/exclude, and negations', () => {
    const report = inventoryPaths([join(base, 'repo', 'services')], { maxFileBytes: 4096 });
    expect([...new Set(report.findings.map((f) => f.first))].sort()).toEqual([7001, 7006, 7009]);
    expect(report.skipped.gitignored).toBe(4); // generated/, x.tmp.yml, local-only/, drafts/docker-compose.yml
  });

  it('never enters vendored directories, never follows symbolic links, and counts what it passed over', () => {
    const report = inventoryPaths([join(base, 'repo', 'services')], { maxFileBytes: 4096 });
    expect(report.skipped.vendored).toBe(2); // node_modules, vendor
    expect(report.skipped.symlinks).toBe(2); // a directory and a file outside the tree
    expect(report.skipped.binaryOrLarge).toBe(2); // a .env with NUL bytes, a compose file over the limit
    expect(report.findings.some((f) => f.first === 7012 || f.first === 7007 || f.first === 7008)).toBe(false);
  });

  it('reads the oversized file when the limit allows it', () => {
    expect(portsIn(join(base, 'repo', 'services'))).toContain(7011);
  });

  it('names the files as the root was given', () => {
    const report = inventoryPaths([join(base, 'repo', 'services')]);
    expect(report.findings.find((f) => f.first === 7009)?.file).toBe(join(base, 'repo', 'services', 'api', 'Dockerfile'));
  });

  it('takes one file as a root, and refuses a root that does not exist', () => {
    expect(portsIn(join(base, 'outside', 'docker-compose.yml'))).toEqual([7012]);
    expect(() => inventoryPaths([join(base, 'missing')])).toThrow(FileAccessError);
    expect(() => inventoryPaths([join(base, 'missing')])).toThrow(/Expected a directory \(or file\) to inventory at .*missing, got ENOENT/);
  });
});

describe.skipIf(process.getuid?.() !== 0)('unreadable files (as an unprivileged user)', () => {
  it('lists a file it cannot read, and a directory it cannot enter, and reads the rest', () => {
    const tree = mkdtempSync(join(tmpdir(), 'portpick-unreadable-'));
    try {
      chmodSync(tree, 0o755);
      writeFileSync(join(tree, 'docker-compose.yml'), compose(7101));
      writeFileSync(join(tree, 'compose.yaml'), compose(7102));
      chmodSync(join(tree, 'compose.yaml'), 0o000);
      mkdirSync(join(tree, 'secret'));
      writeFileSync(join(tree, 'secret', 'Dockerfile'), 'EXPOSE 7103\n');
      chmodSync(join(tree, 'secret'), 0o700);
      // The modules are loaded as root (yaml too, which the readers load on first use), then the
      // process becomes `nobody` for the walk: the checkout itself may sit in a folder only root
      // can read (a 0700 home or temporary directory).
      const script =
        `Promise.all([import('${join(repoRoot, 'dist', 'registry', 'inventory', 'inventory.js')}'), ` +
        `import('${join(repoRoot, 'dist', 'registry', 'yaml-module.js')}')]).then(([m, yaml]) => {` +
        'yaml.yamlPackage(); process.setgroups([]); process.setgid(65534); process.setuid(65534);' +
        'process.stdout.write(JSON.stringify(m.inventoryPaths([process.argv[1]])));})';
      const output = execFileSync(process.execPath, ['-e', script, tree], { encoding: 'utf8' });
      const report = JSON.parse(output) as ReturnType<typeof inventoryPaths>;
      expect(report.findings.map((f) => f.first)).toEqual([7101]);
      expect(report.problems.map((p) => [p.file.slice(tree.length + 1), p.problem])).toEqual([
        ['compose.yaml', 'unreadable'],
        ['secret', 'unreadable'],
      ]);
      expect(report.problems[0]?.message).toBe('Expected a readable file, got EACCES');
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
