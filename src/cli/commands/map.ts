import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FileAccessError, InvalidArgumentError } from '../../errors/index.js';
import { writeLine, type CliContext } from '../context.js';
import { addSourceOptions, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { withSchema } from './json-output.js';
import { mapPorts } from '../../map/map-ports.js';
import { portMapJson } from '../../map/map-json.js';
import { renderTerminal } from '../../map/render-terminal.js';
import { renderSvg } from '../../map/render-svg.js';
import { renderHtml } from '../../map/render-html.js';

interface MapFlags extends SourceFlags {
  range?: string;
  proto: string;
  format?: string;
  output?: string;
  json?: boolean;
  count: string;
  name?: string;
  http?: boolean;
  k8s?: boolean;
  columns?: string;
  titles?: boolean;
}

const FORMATS = ['term', 'svg', 'html'] as const;
type MapFormat = (typeof FORMATS)[number];

export function registerMap(program: Command, ctx: CliContext): void {
  const command = program
    .command('map')
    .description('A picture of the port space: every port coloured by what the sources say, the free blocks at a glance')
    .option('-r, --range <A-B>', 'the ports to draw (default 0-65535)')
    .option('-P, --proto <protocol>', 'tcp, udp, sctp or dccp', 'tcp')
    .option('-f, --format <format>', 'term (block characters), svg or html (standalone files); default term, or from -o\'s extension')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .option('-c, --count <n>', 'how many `suggest` candidates to mark (0: none)', '5')
    .option('--name <service>', 'mark the stable, name-keyed candidates of this service name')
    .option('--http', 'the service speaks HTTP (ports browsers refuse conflict)')
    .option('--k8s', 'the service may run on Kubernetes (the NodePort range 30000-32767 conflicts)')
    .option('--columns <n>', 'terminal width to fit (default: the terminal\'s, else $COLUMNS, else 80)')
    .option('--no-titles', 'svg: no hover title per cell (a smaller file, for pictures nobody hovers)')
    .option('--json', 'print the classes, runs and candidates as JSON (portpick.map/1)');
  addSourceOptions(command, { sources: 'iana,nmap,defaults,services,listeners,reservations,org,ephemeral,os-reserved' });
  command
    .addHelpText(
      'after',
      '\nColour on a terminal only; NO_COLOR=1 turns it off, FORCE_COLOR=1 on.\n' +
        '\nExamples:\n  portpick map\n  portpick map --range 8000-8999\n  portpick map --range 1024-49151 -o map.svg\n' +
        '  portpick map -o map.html --name myservice --reservations team-ports.yaml',
    )
    .action(async (flags: MapFlags) => {
      const format = formatOf(flags);
      if (flags.titles === false && (format !== 'svg' || flags.json)) {
        throw new InvalidArgumentError('Expected --no-titles only with --format svg (the HTML page shows the titles on hover)');
      }
      if (!/^\d+$/.test(flags.count) || Number(flags.count) > 1000) {
        throw new InvalidArgumentError(`Expected --count to be a whole number from 0 to 1000, got \`${flags.count}\``);
      }
      const map = await mapPorts({
        ...sourceOptionsFrom(flags),
        ...(flags.range === undefined ? {} : { range: flags.range }),
        protocol: flags.proto,
        count: Number(flags.count),
        ...(flags.name === undefined ? {} : { name: flags.name }),
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
      });

      let text: string;
      if (flags.json) {
        text = JSON.stringify(withSchema('map', portMapJson(map)), null, 2);
      } else if (format === 'svg') {
        text = renderSvg(map, { titles: flags.titles !== false });
      } else if (format === 'html') {
        text = renderHtml(map);
      } else {
        text = renderTerminal(map, { columns: columnsOf(flags, ctx), colour: flags.output === undefined && wantsColour(ctx) });
      }
      if (flags.output === undefined) writeLine(ctx.stdout, text);
      else writeOutput(flags.output, text.endsWith('\n') ? text : `${text}\n`);
    });
}

function formatOf(flags: MapFlags): MapFormat {
  if (flags.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flags.format)) {
      throw new InvalidArgumentError(`Expected --format to be one of ${FORMATS.join(', ')}, got \`${flags.format}\``);
    }
    return flags.format as MapFormat;
  }
  const extension = /\.([a-z]+)$/i.exec(flags.output ?? '')?.[1]?.toLowerCase();
  if (extension === 'svg') return 'svg';
  if (extension === 'html' || extension === 'htm') return 'html';
  return 'term';
}

function columnsOf(flags: MapFlags, ctx: CliContext): number {
  if (flags.columns !== undefined) {
    if (!/^\d+$/.test(flags.columns) || Number(flags.columns) < 24 || Number(flags.columns) > 1000) {
      throw new InvalidArgumentError(`Expected --columns to be a whole number from 24 to 1000, got \`${flags.columns}\``);
    }
    return Number(flags.columns);
  }
  const terminal = (ctx.stdout as { isTTY?: boolean; columns?: number }).isTTY === true ? (ctx.stdout as { columns?: number }).columns : undefined;
  if (terminal !== undefined && terminal > 0) return terminal;
  const fromEnvironment = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnvironment) && fromEnvironment >= 24 ? fromEnvironment : 80;
}

/** Colour only on a terminal; NO_COLOR (https://no-color.org) wins, FORCE_COLOR forces it elsewhere. */
function wantsColour(ctx: CliContext): boolean {
  const env = process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return (ctx.stdout as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new FileAccessError(`Expected a writable output file at ${path}, got ${code}`, path, { cause: error });
  }
}
