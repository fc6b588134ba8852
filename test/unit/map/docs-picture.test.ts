import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/registry-files.js';
import { required } from '../../helpers/required.js';

// The README's picture is committed: it must be a well-formed SVG the command made, with no nmap-services data in it (Nmap licence).
const picture = join(repoRoot, 'docs', 'map.svg');
const hasXmllint = required(spawnSync('xmllint', ['--version']).status === 0, 'xmllint', 'apt-get install libxml2-utils');

describe('docs/map.svg', () => {
  const text = readFileSync(picture, 'utf8');

  it.skipIf(!hasXmllint)('is well-formed SVG', () => {
    execFileSync('xmllint', ['--noout', picture]);
    expect(text).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  });

  it('was drawn without nmap-services data, and says so', () => {
    expect(text).toContain('nmap (/dev/null, 0 entries)');
    expect(text).not.toMatch(/seen open in the wild/);
    expect(text).not.toMatch(/nmap\/conflict|nmap\/warning/);
  });
});
