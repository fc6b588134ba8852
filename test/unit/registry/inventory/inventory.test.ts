import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryPaths } from '../../../../src/registry/inventory/inventory.js';
import type { PortFinding } from '../../../../src/registry/inventory/types.js';
import { repoRoot } from '../../../helpers/registry-files.js';

/** test/fixtures/inventory/org: one hand-written file of every kind, with the tricky forms (see each file's comments). */
const orgRoot = join(repoRoot, 'test', 'fixtures', 'inventory', 'org');
const report = inventoryPaths([orgRoot]);
const inOrg = (file: string): string => file.slice(orgRoot.length + 1);

function line(finding: PortFinding): string {
  const ports = finding.first === finding.last ? String(finding.first) : `${finding.first}-${finding.last}`;
  return `${inOrg(finding.file)}:${finding.line} ${ports}/${finding.protocol} ${finding.kind} | ${finding.owner} | ${finding.field}`;
}

function find(file: string, lineNumber: number, port: number): PortFinding[] {
  return report.findings.filter((f) => inOrg(f.file) === file && f.line === lineNumber && f.first <= port && port <= f.last);
}

describe('inventory of a tree holding every file kind', () => {
  it('finds every port, at its file and line, with its owner and field', () => {
    expect(report.findings.map(line)).toEqual([
      'api/.env.production:1 8480/tcp env | variable PORT | PORT',
      'api/.env.production:2 8481/tcp env | variable GRPC_PORT | GRPC_PORT',
      'api/Dockerfile:5 3999/tcp dockerfile | stage build | EXPOSE',
      'api/Dockerfile:10 8381/tcp dockerfile | image from node:20-slim | EXPOSE',
      'api/Dockerfile:11 8382/tcp dockerfile | image from node:20-slim | EXPOSE',
      'api/Dockerfile:11 8383/udp dockerfile | image from node:20-slim | EXPOSE',
      'api/Dockerfile:13 8390-8392/tcp dockerfile | image from node:20-slim | EXPOSE',
      'api/Dockerfile:15 8380/tcp dockerfile | image from node:20-slim | EXPOSE',
      'api/Dockerfile:15 9380/tcp dockerfile | image from node:20-slim | EXPOSE',
      'billing/src/main/resources/application-dev.yml:2 8882/tcp spring | property server.port (profile dev) | server.port',
      'billing/src/main/resources/application-dev.yml:8 8883/tcp spring | property server.port (profile debug) | server.port',
      'billing/src/main/resources/application-dev.yml:11 8884/tcp spring | property management.server.port (profile debug) | management.server.port',
      'billing/src/main/resources/application.properties:3 8880/tcp spring | property server.port | server.port',
      'billing/src/main/resources/application.properties:4 8881/tcp spring | property management.server.port | management.server.port',
      'charts/web/values.yaml:4 8280/tcp helm-values | value service.port | port',
      'charts/web/values.yaml:8 9280/tcp helm-values | value metrics.httpPort | httpPort',
      'charts/web/values.yaml:10 9281/tcp helm-values | value metrics.exporter.listenPort | listenPort',
      'charts/web/values.yaml:12 8281/tcp helm-values | value ports.http | ports',
      'charts/web/values.yaml:13 8282/tcp helm-values | value ports.grpc | ports',
      'charts/web/values.yaml:16 8283/udp helm-values | value containers[0].containerPort | containerPort',
      'charts/web/values.yaml:19 5434/tcp helm-values | value database.port | port',
      'config/app.env:1 8580/tcp env | variable ADMIN_PORT | ADMIN_PORT',
      'k8s/app.yaml:12 7100/tcp kubernetes | Deployment/api initContainer migrate | containerPort',
      'k8s/app.yaml:18 8080/tcp kubernetes | Deployment/api container app | containerPort',
      'k8s/app.yaml:19 9125/udp kubernetes | Deployment/api container app | containerPort',
      'k8s/app.yaml:21 9126/udp kubernetes | Deployment/api container app | hostPort',
      'k8s/app.yaml:31 80/tcp kubernetes | Service/api port http | port',
      'k8s/app.yaml:33 30080/tcp kubernetes | Service/api port http | nodePort',
      'k8s/app.yaml:35 9102/tcp kubernetes | Service/api port metrics | port',
      'k8s/app.yaml:36 9103/tcp kubernetes | Service/api port metrics | targetPort',
      'k8s/app.yaml:39 3868/sctp kubernetes | Service/api port sctp | port',
      'k8s/app.yaml:55 2345/tcp kubernetes | Pod/debug container shell | containerPort',
      'k8s/app.yaml:69 7200/tcp kubernetes | CronJob/report container report | containerPort',
      'k8s/broken.yaml:7 7300/tcp kubernetes | Service/good | port',
      'misc/stack.yml:6 6379/tcp compose | service cache | ports',
      'misc/stack.yml:6 6380/tcp compose | service cache | ports',
      'shop/.env:2 8085/tcp env | variable WEB_PORT | WEB_PORT',
      'shop/.env:4 8086/tcp env | variable API_PORT | API_PORT',
      'shop/.env:5 5433/tcp env | variable DB_PORT | DB_PORT',
      'shop/.env:7 6390/tcp env | variable REDIS_PORT | REDIS_PORT',
      'shop/docker-compose.override.yml:4 9229/tcp compose | service web | ports',
      'shop/docker-compose.yml:4 9100/tcp compose | service api | expose',
      'shop/docker-compose.yml:10 3000/tcp compose | service web | ports',
      'shop/docker-compose.yml:11 3001-3003/tcp compose | service web | ports',
      'shop/docker-compose.yml:12 8000/tcp compose | service web | ports',
      'shop/docker-compose.yml:13 8080-8081/tcp compose | service web | ports',
      'shop/docker-compose.yml:13 9090-9091/tcp compose | service web | ports',
      'shop/docker-compose.yml:14 22/tcp compose | service web | ports',
      'shop/docker-compose.yml:14 49100/tcp compose | service web | ports',
      'shop/docker-compose.yml:15 8001/tcp compose | service web | ports',
      'shop/docker-compose.yml:16 5000-5010/tcp compose | service web | ports',
      'shop/docker-compose.yml:17 5432/tcp compose | service web | ports',
      'shop/docker-compose.yml:18 6001/tcp compose | service web | ports',
      'shop/docker-compose.yml:19 6002/tcp compose | service web | ports',
      'shop/docker-compose.yml:20 6060/udp compose | service web | ports',
      'shop/docker-compose.yml:21 7070/tcp compose | service web | ports',
      'shop/docker-compose.yml:22 80/tcp compose | service web | ports',
      'shop/docker-compose.yml:22 8085/tcp compose | service web | ports',
      'shop/docker-compose.yml:23 8090/tcp compose | service web | ports',
      'shop/docker-compose.yml:23 8091/tcp compose | service web | ports',
      'shop/docker-compose.yml:26 4000/tcp compose | service web | expose',
      'shop/docker-compose.yml:27 4100-4102/tcp compose | service web | expose',
      'shop/docker-compose.yml:28 4200/udp compose | service web | expose',
      'shop/docker-compose.yml:33 80/tcp compose | service api | ports.target',
      'shop/docker-compose.yml:34 8089/tcp compose | service api | ports.published',
      'shop/docker-compose.yml:38 53/udp compose | service api | ports.target',
      'shop/docker-compose.yml:39 5053/udp compose | service api | ports.published',
      'shop/docker-compose.yml:41 9000/tcp compose | service api | ports.target',
      'shop/docker-compose.yml:43 5005/tcp compose | service api | ports.target',
      'shop/docker-compose.yml:44 5005-5006/tcp compose | service api | ports.published',
      'systemd/demo.socket:5 8680/tcp systemd-socket | unit demo.socket | ListenStream',
      'systemd/demo.socket:6 8681/tcp systemd-socket | unit demo.socket | ListenStream',
      'systemd/demo.socket:7 8682/tcp systemd-socket | unit demo.socket | ListenStream',
      'systemd/demo.socket:8 8683/udp systemd-socket | unit demo.socket | ListenDatagram',
      'systemd/sctp.socket:3 8690/sctp systemd-socket | unit sctp.socket | ListenSequentialPacket',
      'web/package.json:5 5174/tcp package-json | script dev | --port',
      'web/package.json:6 4174/tcp package-json | script preview | --port',
      'web/package.json:7 4100/tcp package-json | script start | PORT=',
      'web/package.json:8 4000/tcp package-json | script serve | -p',
      'web/package.json:9 80/tcp package-json | script container | -p',
      'web/package.json:9 8780/tcp package-json | script container | -p',
    ]);
  });

  it('counts findings per kind and the files it saw and read', () => {
    expect(report.byKind).toEqual({ compose: 32, kubernetes: 12, 'helm-values': 7, dockerfile: 7, env: 7, 'systemd-socket': 5, 'package-json': 6, spring: 5 });
    expect(report.filesSeen).toBe(18);
    // Chart.yaml is read (a YAML file); the chart's template is passed over.
    expect(report.skipped.helmTemplates).toBe(1);
  });

  describe('compose', () => {
    it('reads short syntax with host IPs, ranges and protocols, publishing and container ports apart', () => {
      expect(find('shop/docker-compose.yml', 13, 9090).map((f) => [f.role, f.first, f.last])).toEqual([['published', 9090, 9091]]);
      expect(find('shop/docker-compose.yml', 13, 8080).map((f) => [f.role, f.first, f.last])).toEqual([['container', 8080, 8081]]);
      expect(find('shop/docker-compose.yml', 16, 5003)[0]).toMatchObject({ role: 'published', note: 'published on 127.0.0.1', confidence: 'high' });
      expect(find('shop/docker-compose.yml', 17, 5432)[0]).toMatchObject({ role: 'container', note: 'published on 127.0.0.1, on a host port Docker picks' });
      expect(find('shop/docker-compose.yml', 15, 8001)).toHaveLength(1);
      expect(find('shop/docker-compose.yml', 18, 6001)[0]?.note).toBe('published on [::1]');
      expect(find('shop/docker-compose.yml', 19, 6002)[0]?.note).toBe('published on ::1');
      expect(find('shop/docker-compose.yml', 20, 6060)[0]?.protocol).toBe('udp');
      // "8000:8000" is one finding, not two.
      expect(find('shop/docker-compose.yml', 12, 8000)).toHaveLength(1);
    });

    it('interpolates ${VAR:-default} with the .env beside the file, and says so', () => {
      expect(find('shop/docker-compose.yml', 22, 8085)[0]).toMatchObject({ confidence: 'medium', note: '${WEB_PORT:-8080}: WEB_PORT=8085 in .env' });
      expect(find('shop/docker-compose.yml', 23, 8090)[0]?.note).toBe('${ADMIN_PORT:-8090}: ADMIN_PORT is not set in .env, so the default 8090');
      expect(find('shop/docker-compose.override.yml', 4, 9229)[0]?.note).toMatch(/WEB_DEBUG_PORT is not set in \.env, so the default 9229/);
      expect(report.problems).toContainEqual({
        file: join(orgRoot, 'shop', 'docker-compose.yml'),
        line: 24,
        problem: 'unresolved',
        message: 'service web: `${MISSING_PORT}:7000`: ${MISSING_PORT} has no value in .env and no default',
      });
    });

    it('reads the long syntax and follows << merge keys', () => {
      expect(find('shop/docker-compose.yml', 34, 8089)[0]).toMatchObject({ role: 'published', field: 'ports.published' });
      expect(find('shop/docker-compose.yml', 39, 5053)[0]?.protocol).toBe('udp');
      expect(find('shop/docker-compose.yml', 44, 5006)[0]).toMatchObject({ first: 5005, last: 5006 });
      expect(find('shop/docker-compose.yml', 4, 9100)[0]?.owner).toBe('service api');
    });

    it('finds a compose file under another name by its shape, and leaves other YAML alone', () => {
      expect(find('misc/stack.yml', 6, 6380)).toHaveLength(1);
      expect(report.findings.filter((f) => inOrg(f.file) === 'misc/workflow.yml')).toEqual([]);
    });
  });

  describe('Kubernetes', () => {
    it('reads every document, named target ports aside, and the items of a List', () => {
      expect(find('k8s/app.yaml', 33, 30080)[0]).toMatchObject({ role: 'node', field: 'nodePort', owner: 'Service/api port http' });
      expect(find('k8s/app.yaml', 32, 80)).toEqual([]); // targetPort: http names a container port
      expect(find('k8s/app.yaml', 39, 3868)[0]?.protocol).toBe('sctp');
      expect(find('k8s/app.yaml', 21, 9126)[0]).toMatchObject({ role: 'host', protocol: 'udp' });
      expect(find('k8s/app.yaml', 55, 2345)[0]?.owner).toBe('Pod/debug container shell');
    });

    it('reports a malformed document with its line and still reads the others', () => {
      expect(find('k8s/broken.yaml', 7, 7300)).toHaveLength(1);
      expect(report.findings.some((f) => f.first === 7301)).toBe(false);
      const problem = report.problems.find((p) => p.file.endsWith('broken.yaml'));
      expect(problem).toMatchObject({ line: 14, problem: 'malformed' });
      expect(problem?.message).toMatch(/^Expected valid YAML, got .*\(document 2 skipped\)$/);
    });
  });

  describe('Helm values', () => {
    it('reads nested keys ending in port/Port, port maps, and a sibling protocol', () => {
      expect(find('charts/web/values.yaml', 10, 9281)[0]?.owner).toBe('value metrics.exporter.listenPort');
      expect(find('charts/web/values.yaml', 13, 8282)[0]?.owner).toBe('value ports.grpc');
      expect(find('charts/web/values.yaml', 16, 8283)[0]).toMatchObject({ protocol: 'udp', owner: 'value containers[0].containerPort' });
      expect(report.findings.some((f) => inOrg(f.file) === 'charts/web/values.yaml' && f.line === 5)).toBe(false); // nodePort: ""
      expect(report.findings.some((f) => inOrg(f.file).includes('templates'))).toBe(false);
    });
  });

  describe('Dockerfile', () => {
    it('reads EXPOSE across continuations and comments, ranges, /udp, and stage-scoped ARG/ENV', () => {
      expect(find('api/Dockerfile', 13, 8391)[0]).toMatchObject({ first: 8390, last: 8392 });
      expect(find('api/Dockerfile', 15, 8380)[0]).toMatchObject({ confidence: 'medium', note: '${APP_PORT}: APP_PORT=8380 in ARG/ENV' });
      expect(find('api/Dockerfile', 5, 3999)[0]?.owner).toBe('stage build');
      const problems = report.problems.filter((p) => p.file.endsWith('Dockerfile')).map((p) => [p.line, p.problem]);
      expect(problems).toEqual([
        [16, 'unresolved'], // a global ARG not declared again in the stage
        [17, 'malformed'], // EXPOSE http
      ]);
    });
  });

  describe('.env, systemd, package.json, Spring', () => {
    it('reads PORT and *_PORT only', () => {
      const names = report.findings.filter((f) => f.kind === 'env').map((f) => f.field);
      expect(names).not.toContain('SUPPORT');
      expect(names).not.toContain('PORTAL_URL');
      expect(names).toContain('REDIS_PORT');
    });

    it('reads socket units, leaving Unix and abstract sockets out', () => {
      const socket = report.findings.filter((f) => f.kind === 'systemd-socket').map((f) => `${f.first}/${f.protocol}`);
      expect(socket).toEqual(['8680/tcp', '8681/tcp', '8682/tcp', '8683/udp', '8690/sctp']);
    });

    it('reads scripts, with -p of low confidence and tsc -p no port', () => {
      expect(find('web/package.json', 8, 4000)[0]?.confidence).toBe('low');
      expect(report.findings.some((f) => f.owner === 'script build' || f.owner === 'script test')).toBe(false);
    });

    it('reads server.port with placeholders and profiles', () => {
      expect(find('billing/src/main/resources/application.properties', 4, 8881)[0]).toMatchObject({ confidence: 'medium' });
      expect(find('billing/src/main/resources/application-dev.yml', 8, 8883)[0]?.owner).toBe('property server.port (profile debug)');
    });
  });
});
