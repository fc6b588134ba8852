import type { Command } from 'commander';
import { printJson, writeLine, type CliContext } from '../context.js';
import { addSourceOptions, collect, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { request } from '../../api/request.js';

interface RequestFlags extends SourceFlags {
  name: string;
  port?: string;
  proto: string[];
  extraPort?: string[];
  description?: string;
  assignee?: string;
  contact?: string;
  reference?: string;
  serviceCode?: string;
  notes?: string;
  http?: boolean;
  k8s?: boolean;
  alreadyUsed?: boolean;
  bindProbe?: boolean;
  json?: boolean;
}

export function registerRequest(program: Command, ctx: CliContext): void {
  const command = program
    .command('request')
    .description('Validate an IANA service name/port request and draft the RFC 6335 §8.1.1 template with the evidence')
    .requiredOption('--name <name>', 'service name (RFC 6335 §5.1: 1-15 letters, digits, hyphens)')
    .option('--port <n>', 'the port to request (omit to register a service name only)')
    .option('-P, --proto <protocol>', 'transport protocol (repeatable: tcp, udp, sctp, dccp)', collect, [])
    .option('--extra-port <n>', 'a further port for the same application (IANA grants at most one)', collect)
    .option('--description <text>', 'what the service does')
    .option('--assignee <text>', 'assignee (organisation or person)')
    .option('--contact <text>', 'contact person and e-mail')
    .option('--reference <text>', 'specification reference (RFC, URL)')
    .option('--service-code <code>', 'DCCP service code')
    .option('--notes <text>', 'assignment notes')
    .option('--http', 'the service speaks plain HTTP')
    .option('--k8s', 'the service may run on Kubernetes (the NodePort range 30000-32767 then conflicts)')
    .option('--already-used', 'the software already ships with this port as its default')
    .option('--no-bind-probe', 'do not try binding the port on this machine')
    .option('--json', 'print JSON');
  addSourceOptions(command);
  command
    .addHelpText('after', '\nExamples:\n  portpick request --name myservice --port 7437 --proto tcp --description "Job queue"\n  portpick request --name my-svc --json')
    .action(async (flags: RequestFlags) => {
      const draft = await request({
        ...sourceOptionsFrom(flags),
        name: flags.name,
        ...(flags.port === undefined ? {} : { port: flags.port }),
        protocols: flags.proto,
        additionalPorts: flags.extraPort ?? [],
        ...(flags.description === undefined ? {} : { description: flags.description }),
        ...(flags.assignee === undefined ? {} : { assignee: flags.assignee }),
        ...(flags.contact === undefined ? {} : { contact: flags.contact }),
        ...(flags.reference === undefined ? {} : { reference: flags.reference }),
        ...(flags.serviceCode === undefined ? {} : { serviceCode: flags.serviceCode }),
        ...(flags.notes === undefined ? {} : { assignmentNotes: flags.notes }),
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
        usedBeforeAssignment: flags.alreadyUsed ?? false,
        bindProbe: flags.bindProbe !== false,
      });
      if (flags.json) printJson(ctx, draft);
      else writeLine(ctx.stdout, draft.text);
      ctx.exitCode = draft.valid ? 0 : 1;
    });
}
