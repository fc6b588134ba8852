import { describe, expect, it } from 'vitest';
import { cacheDirectory, nmapServicesCandidates, systemServicesFile } from '../../../../src/registry/locate.js';

describe('cache directory per platform', () => {
  it('Linux: XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    expect(cacheDirectory({ platform: 'linux', env: {}, home: '/home/ann' })).toBe('/home/ann/.cache/portpick');
    expect(cacheDirectory({ platform: 'linux', env: { XDG_CACHE_HOME: '/var/cache/ann' }, home: '/home/ann' })).toBe('/var/cache/ann/portpick');
    expect(cacheDirectory({ platform: 'linux', env: { XDG_CACHE_HOME: 'relative' }, home: '/home/ann' })).toBe('/home/ann/.cache/portpick');
  });

  it('macOS and Windows', () => {
    expect(cacheDirectory({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe('/Users/ann/Library/Caches/portpick');
    expect(cacheDirectory({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, home: 'C:\\Users\\ann' })).toBe(
      'C:\\Users\\ann\\AppData\\Local\\portpick\\Cache',
    );
  });

  it('PORTPICK_CACHE_DIR overrides everything', () => {
    expect(cacheDirectory({ platform: 'darwin', env: { PORTPICK_CACHE_DIR: '/tmp/pp' }, home: '/Users/ann' })).toBe('/tmp/pp');
  });
});

describe('where files are looked for', () => {
  it('services file', () => {
    expect(systemServicesFile({ platform: 'linux' })).toBe('/etc/services');
    expect(systemServicesFile({ platform: 'win32', env: { SystemRoot: 'D:\\Win' } })).toBe('D:\\Win\\System32\\drivers\\etc\\services');
  });

  it('nmap-services', () => {
    expect(nmapServicesCandidates({ platform: 'linux' }).paths).toEqual(['/usr/share/nmap/nmap-services', '/usr/local/share/nmap/nmap-services']);
    const mac = nmapServicesCandidates({ platform: 'darwin' });
    expect(mac.paths).toContain('/opt/homebrew/share/nmap/nmap-services');
    expect(mac.cellars.map((c) => c.cellar)).toContain('/usr/local/Cellar/nmap');
    expect(nmapServicesCandidates({ platform: 'win32' }).paths).toEqual([
      'C:\\Program Files (x86)\\Nmap\\nmap-services',
      'C:\\Program Files\\Nmap\\nmap-services',
    ]);
  });
});
