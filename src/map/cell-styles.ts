/**
 * How the map draws each kind of cell: one row of a table per (source,
 * status), looked up by the source id the verdicts carry. A source the table
 * does not name still gets a colour (FALLBACK_*), picked by its id so that two
 * new sources differ, and a legend entry naming it: the map needs no code per
 * source.
 *
 * Priority decides which source colours a port several sources object to:
 * the lowest number wins. Local and organisation facts come first (they are
 * the most specific), then use in the wild, then the registries.
 */

/** picocolors' colour names (foreground; `bg` + the capitalised name is the background). */
export type TerminalColour =
  | 'black'
  | 'red'
  | 'green'
  | 'yellow'
  | 'blue'
  | 'magenta'
  | 'cyan'
  | 'white'
  | 'blackBright'
  | 'redBright'
  | 'greenBright'
  | 'yellowBright'
  | 'blueBright'
  | 'magentaBright'
  | 'cyanBright'
  | 'whiteBright';

export interface CellStyle {
  /** Legend text. */
  label: string;
  /** Fill in SVG and HTML (`#rrggbb`). */
  colour: string;
  /** Colour on a terminal. */
  terminal: TerminalColour;
  /** One printable ASCII character for terminals without colour. */
  glyph: string;
  /** Kept visible where one terminal character stands for several ports (a single port of this kind matters). */
  mark?: boolean;
}

export interface HeatStyle {
  /** Lower bounds of each level above the first, ascending (a strength ≥ thresholds[k] is level k + 1). */
  thresholds: readonly number[];
  /** One style per level: thresholds.length + 1 of them. */
  levels: readonly CellStyle[];
}

export interface SourceStyle {
  /** Lower wins where several sources conflict (or warn) at one port. */
  priority: number;
  conflict?: CellStyle;
  /** Per sub-kind of conflict (IANA's states); `conflict` for kinds not listed. */
  conflictByKind?: Readonly<Record<string, CellStyle>>;
  /** A conflict drawn by strength (the layer's heat) instead of `conflict`. */
  heat?: HeatStyle;
  warning?: CellStyle;
  /** Per sub-kind of warning; `warning` for kinds not listed. */
  warningByKind?: Readonly<Record<string, CellStyle>>;
}

export const FREE_STYLE: CellStyle = { label: 'free: no source objects', colour: '#2e9d48', terminal: 'green', glyph: '.' };
export const CANDIDATE_STYLE: CellStyle = {
  label: 'a candidate `suggest` gives',
  colour: '#ffd600',
  terminal: 'whiteBright',
  glyph: '@',
  mark: true,
};
/** Terminal only: a character that stands for several ports, some free and some not. */
export const PARTLY_FREE_STYLE: CellStyle = { label: 'partly free (some of the ports)', colour: '#9ccc9c', terminal: 'yellow', glyph: ':' };

export const SOURCE_STYLES: Readonly<Record<string, SourceStyle>> = {
  listeners: {
    priority: 10,
    conflict: { label: 'listening on this machine now', colour: '#d500f9', terminal: 'magentaBright', glyph: 'L', mark: true },
  },
  reservations: {
    priority: 20,
    conflict: { label: 'reserved by the organisation', colour: '#1565c0', terminal: 'blueBright', glyph: 'R', mark: true },
  },
  org: {
    priority: 25,
    conflict: { label: "in the organisation's code", colour: '#42a5f5', terminal: 'blueBright', glyph: 'O', mark: true },
    warning: { label: "free, but in the organisation's code", colour: '#90caf9', terminal: 'cyan', glyph: 'o' },
  },
  defaults: {
    priority: 30,
    conflict: { label: "a well-known product's default", colour: '#7b1fa2', terminal: 'magenta', glyph: 'D' },
    warning: { label: "free, but a product's default warns", colour: '#ce93d8', terminal: 'cyan', glyph: 'd' },
  },
  'os-reserved': {
    priority: 15,
    conflict: { label: "excluded by this machine's OS", colour: '#4e342e', terminal: 'magentaBright', glyph: 'X', mark: true },
    warning: { label: "free, but this machine's OS reserves it", colour: '#bcaaa4', terminal: 'yellow', glyph: 'r' },
  },
  kubernetes: {
    priority: 45,
    conflict: { label: 'Kubernetes NodePort range', colour: '#5e35b1', terminal: 'magenta', glyph: 'K' },
    warning: { label: 'free, but in the Kubernetes NodePort range', colour: '#b39ddb', terminal: 'magenta', glyph: 'k' },
  },
  network: {
    priority: 35,
    conflict: { label: 'open on a swept network', colour: '#c2185b', terminal: 'magentaBright', glyph: 'W', mark: true },
  },
  nmap: {
    priority: 40,
    heat: {
      thresholds: [0.001, 0.01],
      levels: [
        { label: 'seen open in the wild (nmap, open-frequency < 0.001)', colour: '#ffab91', terminal: 'red', glyph: 'n' },
        { label: 'seen open in the wild (nmap, 0.001-0.01)', colour: '#f4511e', terminal: 'redBright', glyph: 'N' },
        { label: 'seen open in the wild (nmap, ≥ 0.01)', colour: '#8b0000', terminal: 'yellowBright', glyph: '%' },
      ],
    },
    warning: { label: 'free; nmap lists it, never seen open', colour: '#c0ca33', terminal: 'cyan', glyph: ';' },
  },
  services: {
    priority: 50,
    conflict: { label: 'named in the services file', colour: '#8d6e63', terminal: 'white', glyph: 'S' },
  },
  'browser-unsafe': {
    priority: 55,
    conflict: { label: 'browsers refuse HTTP here', colour: '#455a64', terminal: 'white', glyph: 'B' },
  },
  iana: {
    priority: 60,
    conflictByKind: {
      assigned: { label: 'IANA assigned', colour: '#a7a7a7', terminal: 'blackBright', glyph: '#' },
      reserved: { label: 'IANA reserved', colour: '#5f5f5f', terminal: 'white', glyph: 'x' },
      unknown: { label: 'no IANA row (not free)', colour: '#e3e3e3', terminal: 'white', glyph: '?' },
    },
    conflict: { label: 'IANA: not free', colour: '#a7a7a7', terminal: 'blackBright', glyph: '#' },
    warning: { label: 'free; IANA reports unauthorized use', colour: '#26a69a', terminal: 'cyan', glyph: 'u' },
  },
  range: {
    // Above IANA: a Dynamic port has no IANA row either, and "Dynamic" says more.
    priority: 58,
    conflict: { label: 'Dynamic range: never a default', colour: '#cfd8dc', terminal: 'blue', glyph: '-' },
    warning: { label: 'free System port (IETF Review; needs privileges)', colour: '#80cbc4', terminal: 'cyan', glyph: 's' },
  },
  ephemeral: {
    priority: 70,
    warningByKind: {
      'this-machine': { label: "free, but in this machine's ephemeral range", colour: '#c2e3c5', terminal: 'cyan', glyph: 'e' },
      'other-os': { label: "free, but in another OS's ephemeral range", colour: '#7cc68a', terminal: 'greenBright', glyph: ',' },
    },
    warning: { label: 'free, but in an OS ephemeral range', colour: '#9fd3a5', terminal: 'cyan', glyph: 'e' },
  },
};

/** Where sources the table does not name rank: after the local and organisation sources, before the wild and the registries. */
export const FALLBACK_PRIORITY = 36;
const FALLBACK_CONFLICT = [
  { colour: '#ec407a', terminal: 'redBright' },
  { colour: '#5c6bc0', terminal: 'blueBright' },
  { colour: '#ff7043', terminal: 'yellowBright' },
  { colour: '#00897b', terminal: 'cyan' },
] as const satisfies readonly { colour: string; terminal: TerminalColour }[];
const FALLBACK_WARNING = [
  { colour: '#f8bbd0', terminal: 'magenta' },
  { colour: '#c5cae9', terminal: 'blue' },
  { colour: '#ffe0b2', terminal: 'yellow' },
  { colour: '#b2dfdb', terminal: 'cyan' },
] as const satisfies readonly { colour: string; terminal: TerminalColour }[];

export function priorityOf(source: string): number {
  return SOURCE_STYLES[source]?.priority ?? FALLBACK_PRIORITY;
}

/**
 * The style of a port that `source` judges `status` (conflict or warning),
 * with the port's sub-kind and strength where the layer has them.
 */
export function styleFor(source: string, status: 'conflict' | 'warning', kind?: string, heat?: number): CellStyle {
  const known = SOURCE_STYLES[source];
  if (status === 'warning') {
    if (kind !== undefined && known?.warningByKind?.[kind] !== undefined) return known.warningByKind[kind];
    return known?.warning ?? fallbackStyle(source, status);
  }
  if (known?.heat !== undefined && heat !== undefined && heat > 0) return known.heat.levels[heatLevel(known.heat, heat)] as CellStyle;
  if (kind !== undefined && known?.conflictByKind?.[kind] !== undefined) return known.conflictByKind[kind];
  return known?.conflict ?? fallbackStyle(source, status);
}

export function heatLevel(heat: HeatStyle, strength: number): number {
  let level = 0;
  for (const threshold of heat.thresholds) if (strength >= threshold) level += 1;
  return level;
}

function fallbackStyle(source: string, status: 'conflict' | 'warning'): CellStyle {
  const palette = status === 'conflict' ? FALLBACK_CONFLICT : FALLBACK_WARNING;
  const pick = palette[hash(source) % palette.length] as (typeof palette)[number];
  const letter = /[a-z]/i.exec(source)?.[0] ?? '*';
  return {
    label: status === 'conflict' ? `${source}: conflict` : `free, but ${source} warns`,
    colour: pick.colour,
    terminal: pick.terminal,
    glyph: status === 'conflict' ? letter.toUpperCase() : letter.toLowerCase(),
    mark: status === 'conflict',
  };
}

/** A small stable string hash (FNV-1a), so a source keeps its fallback colour from run to run. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}
