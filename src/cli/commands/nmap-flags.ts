/**
 * nmap's two-letter flags after one dash, which commander cannot declare
 * (it would read `-oX scan.xml` as `-o X` and take `scan.xml` for a target):
 * rewritten to the long options that scan and merge declare, before parsing.
 *
 *   -iL FILE                → --input-list FILE
 *   -oN FILE, -oX, -oG, -oJ → --output-normal, --output-xml, --output-grep, --output-jsonl
 *   -oA BASE                → --output-all BASE (BASE.nmap, BASE.xml, BASE.gnmap)
 *
 * Each also takes its value joined (`-oXscan.xml`) or after `=` (`-oX=scan.xml`),
 * as nmap's option parser does. Arguments after `--` are left alone.
 */
export const NMAP_OUTPUT_FLAGS: Readonly<Record<string, string>> = {
  N: '--output-normal',
  X: '--output-xml',
  G: '--output-grep',
  J: '--output-jsonl',
  A: '--output-all',
};

/** The format letters of nmap's and masscan's -oX family (a `-o X` is one of those typed with a space). */
export const OUTPUT_FORMAT_LETTERS = ['N', 'X', 'G', 'J', 'A', 'S', 'L', 'M', 'B', 'D', 'U', 'R', 'H'] as const;

/** Rewrites argv (node, script, command, …) for the scan and merge commands; others are returned as they came. */
export function normaliseNmapFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  let literal = false;
  const command = argv[2];
  const takesOutputs = command === 'scan' || command === 'merge';
  argv.forEach((arg, index) => {
    if (index < 2 || literal) {
      out.push(arg);
      return;
    }
    if (arg === '--') {
      literal = true;
      out.push(arg);
      return;
    }
    if (arg === '-iL' || arg.startsWith('-iL=')) {
      out.push(arg === '-iL' ? '--input-list' : `--input-list=${arg.slice(4)}`);
      return;
    }
    const output = takesOutputs ? /^-o([NXGJA])(=?)(.*)$/.exec(arg) : null;
    if (output) {
      const long = NMAP_OUTPUT_FLAGS[output[1] as string] as string;
      const value = output[3] as string;
      out.push(output[2] === '=' || value !== '' ? `${long}=${value}` : long);
      return;
    }
    out.push(arg);
  });
  return out;
}
