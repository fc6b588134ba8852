import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../../src/errors/index.js';
import { parseComposePortShort } from '../../../../src/registry/inventory/compose-ports.js';
import { parseEnvFile } from '../../../../src/registry/inventory/env-file.js';
import { interpolate } from '../../../../src/registry/inventory/interpolation.js';
import { parseOrgDirectories } from '../../../../src/registry/inventory/org-config.js';
import { classify } from '../../../../src/registry/inventory/classify.js';
import { parseReservations } from '../../../../src/registry/reservations.js';

describe('compose ports short syntax', () => {
  it.each([
    ['3000', { target: { first: 3000, last: 3000 }, protocol: 'tcp' }],
    ['3000-3005', { target: { first: 3000, last: 3005 }, protocol: 'tcp' }],
    ['8000:8000', { published: { first: 8000, last: 8000 }, target: { first: 8000, last: 8000 }, protocol: 'tcp' }],
    ['9090-9091:8080-8081', { published: { first: 9090, last: 9091 }, target: { first: 8080, last: 8081 }, protocol: 'tcp' }],
    ['8000-9000:80', { published: { first: 8000, last: 9000 }, target: { first: 80, last: 80 }, protocol: 'tcp' }],
    ['127.0.0.1:8001:8001', { hostIp: '127.0.0.1', published: { first: 8001, last: 8001 }, target: { first: 8001, last: 8001 }, protocol: 'tcp' }],
    ['127.0.0.1::5000', { hostIp: '127.0.0.1', target: { first: 5000, last: 5000 }, protocol: 'tcp' }],
    ['[::1]:6001:6001', { hostIp: '[::1]', published: { first: 6001, last: 6001 }, target: { first: 6001, last: 6001 }, protocol: 'tcp' }],
    ['::1:6000:6000', { hostIp: '::1', published: { first: 6000, last: 6000 }, target: { first: 6000, last: 6000 }, protocol: 'tcp' }],
    ['6060:6060/udp', { published: { first: 6060, last: 6060 }, target: { first: 6060, last: 6060 }, protocol: 'udp' }],
    ['53:53/SCTP', { published: { first: 53, last: 53 }, target: { first: 53, last: 53 }, protocol: 'sctp' }],
  ])('reads %s', (text, expected) => {
    expect(parseComposePortShort(text)).toEqual(expected);
  });

  it.each(['', 'http', '80/icmp', '70000', '8080-8070', '9000-9002:80-81', ':80', '80:'])('refuses %j', (text) => {
    expect(parseComposePortShort(text)).toBeNull();
  });
});

describe('compose interpolation', () => {
  const env = new Map([
    ['SET', '8085'],
    ['EMPTY', ''],
  ]);
  it.each([
    ['${SET:-1}', '8085'],
    ['$SET', '8085'],
    ['${UNSET:-8080}:80', '8080:80'],
    ['${EMPTY:-8080}', '8080'],
    ['${EMPTY-8080}', ''],
    ['${UNSET-${SET:-1}}', '8085'],
    ['${UNSET:-${ALSO_UNSET:-9090}}', '9090'],
    ['${SET:+9999}', '9999'],
    ['${UNSET:+9999}', ''],
    ['$$SET', '$SET'],
  ])('%s → %s', (value, expected) => {
    expect(interpolate(value, env).text).toBe(expected);
  });

  it('says where each value came from, and what has none', () => {
    expect(interpolate('${UNSET:-8080}', env).notes).toEqual(['${UNSET:-8080}: UNSET is not set in .env, so the default 8080']);
    const missing = interpolate('${UNSET}:80 ${NEEDED:?set it}', env);
    expect(missing.text).toBeNull();
    expect(missing.unresolved).toEqual(['${UNSET}', '${NEEDED:?set it}']);
  });
});

describe('.env files', () => {
  it('reads assignments, quotes, export and comments', () => {
    expect(parseEnvFile('# c\nexport A=1\nB = "2 # not a comment"\nC=3 # comment\nD=\'4\'\n\nnot an assignment\n')).toEqual([
      { name: 'A', value: '1', line: 2 },
      { name: 'B', value: '2 # not a comment', line: 3 },
      { name: 'C', value: '3', line: 4 },
      { name: 'D', value: '4', line: 5 },
    ]);
  });
});

describe('file kinds by name', () => {
  it.each([
    ['docker-compose.yml', 'readCompose'],
    ['compose.prod.yaml', 'readCompose'],
    ['docker-compose.override.yml', 'readCompose'],
    ['values.yaml', 'readHelmValues'],
    ['values-prod.yml', 'readHelmValues'],
    ['application.properties', 'readSpringProperties'],
    ['application-dev.yml', 'readSpringYaml'],
    ['Dockerfile', 'readDockerfile'],
    ['Dockerfile.dev', 'readDockerfile'],
    ['api.Dockerfile', 'readDockerfile'],
    ['Containerfile', 'readDockerfile'],
    ['.env', 'readEnvFile'],
    ['.env.production', 'readEnvFile'],
    ['prod.env', 'readEnvFile'],
    ['web.socket', 'readSystemdSocket'],
    ['package.json', 'readPackageJson'],
    ['deployment.yaml', 'readYamlManifests'],
  ])('%s → %s', (name, reader) => {
    expect(classify(name)?.reader.name).toBe(reader);
  });

  it.each(['README.md', 'main.go', 'package-lock.json', 'environment.ts', 'Dockerfile.md', 'Dockerfile.bak'])('%s is not read', (name) => {
    expect(classify(name)).toBeNull();
  });
});

describe('the `org` list of a configuration file', () => {
  it('resolves entries against the file’s directory', () => {
    expect(parseOrgDirectories('org:\n  - ../services\n  - /srv/platform\n', '/home/me/project/.portpick.yaml')).toEqual(['/home/me/services', '/srv/platform']);
    expect(parseOrgDirectories('{ "reservations": [] }', '/p/.portpick.json')).toEqual([]);
  });

  it('refuses what is not a list of paths, with the line', () => {
    expect(() => parseOrgDirectories('reservations: []\norg: ../services\n', 'c.yaml')).toThrow(RegistryParseError);
    expect(() => parseOrgDirectories('reservations: []\norg: ../services\n', 'c.yaml')).toThrow(/^c\.yaml:2: Expected `org` to be a list of directories/);
    expect(() => parseOrgDirectories('org:\n  - 12\n', 'c.yaml')).toThrow(/c\.yaml:2: Expected each `org` entry to be a directory path, got `12`/);
  });

  it('a file with `org` and no `reservations` holds no reservations, and `$schema` is accepted', () => {
    expect(parseReservations('org:\n  - ../services\n', 'c.yaml')).toEqual([]);
    expect(parseReservations('{ "$schema": "./schema.json", "reservations": [] }', 'c.json')).toEqual([]);
  });
});
