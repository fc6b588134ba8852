#!/usr/bin/env node
// `npm run prebuild`: compiles the addon into prebuilds/<platform>-<arch>/, where
// node-gyp-build finds it on a user's machine, so an install from the packed
// tarball needs no compiler (scripts/build-native.mjs, src/native.ts).
//
//   node scripts/prebuild.mjs                  this machine's platform, plus linux-arm64
//                                              when a cross compiler is installed
//   node scripts/prebuild.mjs --require linux-arm64   fail instead of skipping it
//   node scripts/prebuild.mjs --only linux-x64
//
// Each prebuild links the C++ runtime statically (it loads beside any
// libstdc++), is built with warnings as errors, and is checked before it is
// kept: the ELF machine must match the target, the host's own build must load
// and answer version(), and the newest glibc symbol version it needs is printed
// (the oldest glibc it can run on). Cross compilers come from the Debian
// archive: linux-arm64 needs `g++-aarch64-linux-gnu`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch as hostArch, platform as hostPlatform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');

/** ELF e_machine values. */
const ELF_MACHINE = { x64: 62, arm64: 183 };

/**
 * Targets this script knows. `cross` names the compiler prefix used when the
 * target is not this machine; node-gyp-build's tags: napi (any Node with
 * N-API 8), armv8 (what it expects on arm64), glibc (not musl).
 */
const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', processor: 'x86_64', cross: 'x86_64-linux-gnu-', file: 'portpick.napi.glibc.node' },
  'linux-arm64': { platform: 'linux', arch: 'arm64', processor: 'aarch64', cross: 'aarch64-linux-gnu-', file: 'portpick.napi.armv8.glibc.node' },
};

const args = process.argv.slice(2);
const only = valuesOf('--only');
const requiredTargets = valuesOf('--require');
const host = `${hostPlatform()}-${hostArch()}`;

const wanted = only.length > 0 ? only : [...new Set([host, 'linux-arm64'])];
for (const name of [...wanted, ...requiredTargets]) {
  if (!(name in TARGETS)) fail(`Expected a target among ${Object.keys(TARGETS).join(', ')}, got \`${name}\``);
}

const outcomes = [];
for (const name of wanted) outcomes.push(build(name));
console.log('\nportpick prebuilds:');
for (const outcome of outcomes) console.log(`  ${outcome.name.padEnd(12)} ${outcome.line}`);
const missing = outcomes.filter((outcome) => !outcome.ok && (outcome.name === host || requiredTargets.includes(outcome.name)));
if (missing.length > 0) fail(`required prebuild(s) not made: ${missing.map((outcome) => outcome.name).join(', ')}`);

function build(name) {
  const target = TARGETS[name];
  const native = name === host;
  const compiler = native ? 'c++' : `${target.cross}g++`;
  if (!native && !onPath(compiler)) {
    return { name, ok: false, line: `skipped: no ${compiler} on PATH (Debian: apt-get install g++-${target.cross.slice(0, -1)})` };
  }
  const out = join(root, 'build-prebuild', name);
  rmSync(out, { recursive: true, force: true });
  const defines = ['PORTPICK_WERROR=ON', 'PORTPICK_DEV_TOOLS=OFF', 'PORTPICK_STATIC_RUNTIME=ON'];
  if (!native) {
    defines.push('CMAKE_SYSTEM_NAME=Linux', `CMAKE_SYSTEM_PROCESSOR=${target.processor}`, `CMAKE_CXX_COMPILER=${compiler}`);
  }
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [cmakeJs, 'build', '--log-level', 'warn', '--out', out, ...defines.map((define) => `--CD${define}`)],
    { cwd: root, stdio: 'inherit' },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const built = join(out, 'Release', 'portpick_native.node');
  if (result.status !== 0 || !existsSync(built)) return { name, ok: false, line: `FAILED to compile (exit ${result.status ?? result.signal})` };

  const strip = native ? 'strip' : `${target.cross}strip`;
  if (onPath(strip)) spawnSync(strip, ['--strip-unneeded', built], { stdio: 'inherit' });

  const bytes = readFileSync(built);
  const machine = bytes.readUInt16LE(18);
  if (bytes.readUInt32BE(0) !== 0x7f454c46 || machine !== ELF_MACHINE[target.arch]) {
    return { name, ok: false, line: `FAILED: the compiler made an ELF file for machine ${machine}, not ${target.arch}` };
  }
  const glibc = newestGlibcVersion(bytes);
  let loaded = 'not loadable on this machine (cross-compiled)';
  if (native) {
    try {
      loaded = `loads here, version ${require(built).version()}`;
    } catch (error) {
      return { name, ok: false, line: `FAILED: does not load here (${error.message.split('\n')[0]})` };
    }
  }
  const destination = join(root, 'prebuilds', `${target.platform}-${target.arch}`);
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  copyFileSync(built, join(destination, target.file));
  const size = (statSync(built).size / 1024).toFixed(0);
  return {
    name,
    ok: true,
    line: `prebuilds/${target.platform}-${target.arch}/${target.file}: ${size} KiB, needs glibc >= ${glibc}, ${loaded}; compiled in ${seconds} s with ${compiler}`,
  };
}

/** The newest GLIBC_x.y symbol version named in the binary: the oldest C library it runs on. */
function newestGlibcVersion(bytes) {
  let newest = [0, 0];
  for (const match of bytes.toString('latin1').matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const version = [Number(match[1]), Number(match[2])];
    if (version[0] > newest[0] || (version[0] === newest[0] && version[1] > newest[1])) newest = version;
  }
  return newest[0] === 0 ? 'unknown' : newest.join('.');
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function valuesOf(flag) {
  const values = [];
  for (let index = 0; index < args.length; index += 1) {
    if (args[index] === flag) {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--')) fail(`Expected a target after ${flag}, got nothing`);
      values.push(value);
      index += 1;
    } else if (args[index].startsWith('--') && !['--only', '--require'].includes(args[index])) {
      fail(`Expected --only TARGET or --require TARGET, got \`${args[index]}\``);
    }
  }
  return values;
}

function fail(message) {
  console.error(`portpick prebuild: ${message}`);
  process.exit(1);
}
