/**
 * Renders the command line for the nmap-compatible headers (`args=`, `# … as:`)
 * on one line: plain arguments as they are, others in single quotes (POSIX
 * shell style), and arguments holding control characters (a newline would end
 * a grepable comment line) as JSON strings.
 */

const PLAIN = /^[A-Za-z0-9_./:,=@%+^-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function quoteArgument(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  if (CONTROL.test(arg)) return JSON.stringify(arg);
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(args: readonly string[]): string {
  return args.map(quoteArgument).join(' ');
}
