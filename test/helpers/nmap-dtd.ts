import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { required } from './required.js';

/** nmap's DTD as the nmap Debian package installs it. */
export const NMAP_DTD = '/usr/share/nmap/nmap.dtd';
export const NMAP_XSL = '/usr/share/nmap/nmap.xsl';

const runs = (tool: string, args: string[]): boolean => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;

export const canValidateWithNmapDtd = (): boolean =>
  required(runs('xmllint', ['--version']) && existsSync(NMAP_DTD), `xmllint or ${NMAP_DTD}`, 'apt-get install libxml2-utils nmap');

/**
 * nmap.dtd with one change: the nmaprun `scanner` attribute, which the DTD
 * enumerates as only "nmap", also allows "portpick" — the one place portpick's
 * XML deviates from the DTD (docs/jsonl-schema.md). Written into `dir`; returns its path.
 */
export function portpickNmapDtd(dir: string): string {
  const original = readFileSync(NMAP_DTD, 'utf8');
  const widened = original.replace(/(scanner\s+)\(nmap\)/, '$1(nmap|portpick)');
  if (widened === original) throw new Error(`${NMAP_DTD}: the scanner attribute declaration was not found`);
  const path = join(dir, 'nmap-portpick.dtd');
  writeFileSync(path, widened);
  return path;
}

/** xmllint --dtdvalid: null when valid, else its messages. */
export function xmllintErrors(file: string, dtd: string): string | null {
  const run = spawnSync('xmllint', ['--noout', '--dtdvalid', dtd, file], { encoding: 'utf8' });
  return run.status === 0 ? null : `${run.stderr}${run.stdout}`;
}
