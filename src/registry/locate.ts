/**
 * Where portpick looks for local files on each platform. Pure path logic plus
 * one helper that finds the first existing file; nothing here parses data.
 */
// Synchronous reads: these are small local files read once per command, and
// a sync read skips the thread-pool round trip (and, when nothing else uses it,
// starting the pool at all), which `check`/`suggest` start-up time notices.
import { readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The platforms whose conventions portpick knows; anything else is treated like Linux. */
export type LocatePlatform = NodeJS.Platform;

/** Inputs that differ per machine; tests pass their own. */
export interface LocateContext {
  platform?: LocatePlatform;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

function resolved(context: LocateContext = {}): Required<LocateContext> {
  return {
    platform: context.platform ?? process.platform,
    env: context.env ?? process.env,
    home: context.home ?? homedir(),
  };
}

/** path.win32 on Windows, so that tests on Linux can check Windows paths. */
function pathFor(platform: LocatePlatform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * portpick's cache directory:
 * PORTPICK_CACHE_DIR when set; Linux and other Unix: $XDG_CACHE_HOME/portpick or ~/.cache/portpick;
 * macOS: ~/Library/Caches/portpick; Windows: %LOCALAPPDATA%\portpick\Cache
 * (or ~\AppData\Local\portpick\Cache when LOCALAPPDATA is unset).
 * Relative XDG_CACHE_HOME values are ignored, as the XDG spec requires.
 */
export function cacheDirectory(context?: LocateContext): string {
  const { platform, env, home } = resolved(context);
  const p = pathFor(platform);
  const override = env.PORTPICK_CACHE_DIR;
  if (override !== undefined && override !== '') return p.resolve(override);
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA !== undefined && env.LOCALAPPDATA !== '' ? env.LOCALAPPDATA : p.join(home, 'AppData', 'Local');
    return p.join(local, 'portpick', 'Cache');
  }
  if (platform === 'darwin') return p.join(home, 'Library', 'Caches', 'portpick');
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && p.isAbsolute(xdg)) return p.join(xdg, 'portpick');
  return p.join(home, '.cache', 'portpick');
}

/** The Windows directory (%windir% / %SystemRoot%), C:\Windows when neither is set. */
function windowsDirectory(env: NodeJS.ProcessEnv): string {
  return env.windir ?? env.WINDIR ?? env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
}

/** The system services(5) file: /etc/services, or %windir%\System32\drivers\etc\services. */
export function systemServicesFile(context?: LocateContext): string {
  const { platform, env } = resolved(context);
  if (platform === 'win32') return path.win32.join(windowsDirectory(env), 'System32', 'drivers', 'etc', 'services');
  return '/etc/services';
}

/** A Homebrew Cellar directory whose version subdirectories may each hold share/nmap/nmap-services. */
export interface CellarPattern {
  cellar: string;
  suffix: string[];
}

/**
 * Fixed places where an nmap installation keeps nmap-services, in search order.
 * The Homebrew Cellar (one directory per installed version) is returned apart,
 * because it needs a directory listing: see {@link locateNmapServices}.
 */
export function nmapServicesCandidates(context?: LocateContext): { paths: string[]; cellars: CellarPattern[] } {
  const { platform } = resolved(context);
  if (platform === 'win32') {
    return {
      paths: ['C:\\Program Files (x86)\\Nmap\\nmap-services', 'C:\\Program Files\\Nmap\\nmap-services'],
      cellars: [],
    };
  }
  const paths = ['/usr/share/nmap/nmap-services', '/usr/local/share/nmap/nmap-services'];
  const cellars: CellarPattern[] = [];
  if (platform === 'darwin') {
    paths.push('/opt/homebrew/share/nmap/nmap-services');
    cellars.push({ cellar: '/usr/local/Cellar/nmap', suffix: ['share', 'nmap', 'nmap-services'] });
    cellars.push({ cellar: '/opt/homebrew/Cellar/nmap', suffix: ['share', 'nmap', 'nmap-services'] });
  }
  return { paths, cellars };
}

/** True when `file` exists and is a regular file (any error counts as absent). */
export async function isFile(file: string): Promise<boolean> {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first existing file among `paths`, with every path tried (for "not found" notes). */
export async function firstExisting(paths: readonly string[]): Promise<{ found: string | null; tried: string[] }> {
  const tried: string[] = [];
  for (const candidate of paths) {
    tried.push(candidate);
    if (await isFile(candidate)) return { found: candidate, tried };
  }
  return { found: null, tried };
}

/**
 * Finds an installed nmap-services: the fixed paths first, then each version
 * directory of a Homebrew Cellar, newest version first.
 */
export async function locateNmapServices(context?: LocateContext): Promise<{ found: string | null; tried: string[] }> {
  const { platform } = resolved(context);
  const p = pathFor(platform);
  const { paths, cellars } = nmapServicesCandidates(context);
  const fixed = await firstExisting(paths);
  if (fixed.found !== null) return fixed;
  const tried = [...fixed.tried];
  for (const { cellar, suffix } of cellars) {
    let versions: string[];
    try {
      versions = readdirSync(cellar);
    } catch {
      tried.push(p.join(cellar, '*', ...suffix));
      continue;
    }
    versions.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    const inCellar = await firstExisting(versions.map((version) => p.join(cellar, version, ...suffix)));
    tried.push(...inCellar.tried);
    if (inCellar.found !== null) return { found: inCellar.found, tried };
  }
  return { found: null, tried };
}

/** Reservation file names looked for in each directory, in this order. */
export const RESERVATION_FILE_NAMES = ['.portpick.json', '.portpick.yaml', '.portpick.yml', 'portpick.config.json'] as const;

/**
 * The reservation file that applies to `startDir`: the first of
 * {@link RESERVATION_FILE_NAMES} in `startDir`, else in its parent, and so on
 * up to the filesystem root. Null when there is none.
 */
export async function findReservationFile(startDir: string = process.cwd()): Promise<string | null> {
  let dir = path.resolve(startDir);
  for (;;) {
    const { found } = await firstExisting(RESERVATION_FILE_NAMES.map((name) => path.join(dir, name)));
    if (found !== null) return found;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** `{ updated }` with the file's modification time (ISO 8601), or nothing when it cannot be read. */
export async function modifiedTime(file: string): Promise<{ updated?: string }> {
  try {
    return { updated: statSync(file).mtime.toISOString() };
  } catch {
    return {};
  }
}
