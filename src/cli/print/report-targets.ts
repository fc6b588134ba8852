/**
 * Which reports a scan (or merge) writes, and where, from its flags:
 *
 * - `--format F` (or `--json`) with `-o FILE`: one report in F to FILE;
 *   without `-o`: to standard output.
 * - nmap's `-oN FILE` (the table), `-oX FILE`, `-oG FILE`, `-oJ FILE` (JSON
 *   lines, as masscan's -oJ) and `-oA BASE` (BASE.nmap, BASE.xml, BASE.gnmap),
 *   any number of them, each repeatable. As in nmap, standard output still gets
 *   the `--format` report, unless one of them is `-` (standard output itself)
 *   or `-o FILE` is given.
 *
 * Refused, with the fix: `-o X` (a format letter typed with a space, or
 * nmap's -oX with its file missing), `-o xml` (a format name as a file name),
 * two reports to one file, two reports to standard output.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from '../../scan/reporters/index.js';
import { OUTPUT_FORMAT_LETTERS } from '../commands/nmap-flags.js';

export interface ReportTarget {
  format: ReportFormat;
  /** A file, or null for standard output. */
  path: string | null;
  /** The flag that asked for it, for messages. */
  flag: string;
}

export interface OutputFlags {
  format: string;
  json?: boolean;
  output?: string;
  outputNormal?: string[];
  outputXml?: string[];
  outputGrep?: string[];
  outputJsonl?: string[];
  outputAll?: string[];
}

const NMAP_FORMATS: ReadonlyArray<[keyof OutputFlags, ReportFormat, string]> = [
  ['outputNormal', 'table', '-oN'],
  ['outputXml', 'xml', '-oX'],
  ['outputGrep', 'grep', '-oG'],
  ['outputJsonl', 'jsonl', '-oJ'],
];

const LETTER_MEANING: Readonly<Record<string, string>> = {
  N: '-oN FILE (the normal report)',
  X: '-oX FILE (nmap XML)',
  G: '-oG FILE (grepable)',
  J: '-oJ FILE (JSON lines)',
  A: '-oA BASE (BASE.nmap, BASE.xml and BASE.gnmap)',
  L: '--format ports -o FILE (portpick has no masscan list format; ports is the closest)',
  S: '-oN FILE (portpick has no script-kiddie format)',
};

export function reportTargets(flags: OutputFlags): ReportTarget[] {
  const format = flags.json ? 'jsonl' : flags.format;
  if (!isReportFormat(format)) {
    throw new InvalidArgumentError(`Expected a report format (${REPORT_FORMATS.join(', ')}), got \`${format}\``);
  }
  const output = flags.output;
  if (output !== undefined) {
    const letter = output.toUpperCase();
    if (output.length === 1 && (OUTPUT_FORMAT_LETTERS as readonly string[]).includes(letter)) {
      const meaning = LETTER_MEANING[letter] ?? '-oX FILE, -oN FILE, -oG FILE or -oJ FILE';
      throw new InvalidArgumentError(
        `Expected -o FILE, got \`-o ${output}\`, a format letter: nmap's output flags take the letter and the file together — write ${meaning}`,
      );
    }
    if (isReportFormat(output) || output === 'json') {
      throw new InvalidArgumentError(
        `Expected -o FILE, got \`-o ${output}\`, a format name: write --format ${output === 'json' ? 'jsonl' : output} -o FILE (or -o FILE alone for the default table)`,
      );
    }
  }
  const targets: ReportTarget[] = [];
  for (const [key, nmapFormat, flag] of NMAP_FORMATS) {
    for (const path of (flags[key] as string[] | undefined) ?? []) targets.push({ format: nmapFormat, path: path === '-' ? null : path, flag: `${flag} ${path}` });
  }
  for (const base of flags.outputAll ?? []) {
    if (base === '-') throw new InvalidArgumentError('Expected -oA BASE (a file name without extension), got `-`: three reports cannot share standard output');
    targets.push(
      { format: 'table', path: `${base}.nmap`, flag: `-oA ${base}` },
      { format: 'xml', path: `${base}.xml`, flag: `-oA ${base}` },
      { format: 'grep', path: `${base}.gnmap`, flag: `-oA ${base}` },
    );
  }
  const stdoutTaken = targets.some((target) => target.path === null);
  if (output !== undefined) targets.unshift({ format, path: output === '-' ? null : output, flag: `-o ${output}` });
  else if (!stdoutTaken) targets.unshift({ format, path: null, flag: `--format ${format}` });

  const seen = new Map<string, string>();
  for (const target of targets) {
    const key = target.path ?? '\0stdout';
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const where = target.path === null ? 'standard output' : `\`${target.path}\``;
      throw new InvalidArgumentError(`Expected one report per destination, got two for ${where} (${earlier} and ${target.flag})`);
    }
    seen.set(key, target.flag);
  }
  return targets;
}
