/**
 * The test lab is trusted only inside a namespace that holds nothing but `lo`
 * (test/helpers/lab.ts): a probe aimed at a wrong address then finds no route.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lab, namespaceInterfaces } from '../helpers/lab.js';

describe.skipIf(!lab.available)('the lab namespace', () => {
  it('holds only lo, as ip(8) sees it too', () => {
    expect(namespaceInterfaces()).toEqual(['lo']);
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(links.map((line) => line.split(':')[1]?.trim())).toEqual(['lo']);
  });

  it('has no default route: an address outside the lab finds no route', () => {
    const routes = spawnSync('ip', ['route', 'show', 'default'], { encoding: 'utf8' }).stdout.trim();
    expect(routes).toBe('');
    const get = spawnSync('ip', ['route', 'get', '192.0.2.1'], { encoding: 'utf8' });
    expect(get.status).not.toBe(0);
  });
});
