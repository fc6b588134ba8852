/**
 * Test-only XML checks that need no external tool:
 * - parseXml: a minimal well-formedness parser (prolog, DOCTYPE without an
 *   internal subset, comments, elements, quoted attributes, the five predefined
 *   entities and character references). It throws on anything malformed.
 * - checkNmapDtd: the rules of nmap.dtd for the elements portpick writes —
 *   content models (as regular expressions over child names), required
 *   attributes, enumerated values, undeclared attributes, EMPTY elements.
 *   Transcribed by hand from nmap's docs/nmap.dtd (xmloutputversion 1.05).
 */

export interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element, entities decoded. */
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string, where: () => string): string {
  return raw.replace(/&([^;]*);|&/g, (match, body: string | undefined) => {
    if (body === undefined) throw new Error(`bare '&' ${where()}`);
    if (body in PREDEFINED) return PREDEFINED[body] as string;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw new Error(`unknown entity &${body}; ${where()}`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    if (!(code === 9 || code === 10 || code === 13 || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000)) {
      throw new Error(`character reference to a non-XML character ${match} ${where()}`);
    }
    return String.fromCodePoint(code);
  });
}

export function parseXml(text: string): { doctype: string | undefined; root: XmlElement } {
  let i = 0;
  const where = (): string => `at offset ${i}: ${JSON.stringify(text.slice(i, i + 30))}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(text)) throw new Error('document holds characters XML 1.0 forbids');
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i += 1;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end === -1) throw new Error(`unterminated comment ${where()}`);
        if (text.slice(i + 4, end).includes('--') || text[end - 1] === '-') throw new Error(`'--' inside a comment ${where()}`);
        i = end + 3;
      } else if (text.startsWith('<?', i) && !text.startsWith('<?xml ', i)) {
        const end = text.indexOf('?>', i);
        if (end === -1) throw new Error(`unterminated processing instruction ${where()}`);
        i = end + 2;
      } else return;
    }
  };
  if (text.startsWith('<?xml ')) {
    const end = text.indexOf('?>');
    if (end === -1 || !/^<\?xml version="1\.0"( encoding="UTF-8")?\?>$/.test(text.slice(0, end + 2))) throw new Error('bad XML declaration');
    i = end + 2;
  }
  skipMisc();
  let doctype: string | undefined;
  if (text.startsWith('<!DOCTYPE', i)) {
    const end = text.indexOf('>', i);
    const decl = text.slice(i, end + 1);
    const match = /^<!DOCTYPE\s+([A-Za-z_][\w.-]*)(\s+SYSTEM\s+"[^"]*")?\s*>$/.exec(decl);
    if (!match) throw new Error(`unsupported DOCTYPE ${decl}`);
    doctype = match[1];
    i = end + 1;
  }
  skipMisc();

  const readName = (): string => {
    const match = NAME.exec(text.slice(i));
    if (!match) throw new Error(`expected a name ${where()}`);
    i += match[0].length;
    return match[0];
  };

  const readElement = (): XmlElement => {
    if (text[i] !== '<') throw new Error(`expected '<' ${where()}`);
    i += 1;
    const element: XmlElement = { name: readName(), attributes: new Map(), children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return element;
      }
      if (text[i] === '>') {
        i += 1;
        break;
      }
      if (i === before) throw new Error(`expected whitespace between attributes ${where()}`);
      const key = readName();
      if (element.attributes.has(key)) throw new Error(`duplicate attribute ${key} ${where()}`);
      skipSpace();
      if (text[i] !== '=') throw new Error(`expected '=' ${where()}`);
      i += 1;
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'") throw new Error(`expected a quoted value ${where()}`);
      const end = text.indexOf(quote, i + 1);
      if (end === -1) throw new Error(`unterminated attribute value ${where()}`);
      const raw = text.slice(i + 1, end);
      if (raw.includes('<')) throw new Error(`'<' in an attribute value ${where()}`);
      // Attribute-value normalisation: literal whitespace characters become spaces.
      element.attributes.set(key, decodeEntities(raw.replace(/[\t\n\r]/g, ' '), where));
      i = end + 1;
    }
    for (;;) {
      const next = text.indexOf('<', i);
      if (next === -1) throw new Error(`unclosed <${element.name}>`);
      const raw = text.slice(i, next);
      if (raw.includes(']]>')) throw new Error(`']]>' in text ${where()}`);
      element.text += decodeEntities(raw, where);
      i = next;
      if (text.startsWith('</', i)) {
        i += 2;
        const name = readName();
        if (name !== element.name) throw new Error(`</${name}> closes <${element.name}> ${where()}`);
        skipSpace();
        if (text[i] !== '>') throw new Error(`expected '>' ${where()}`);
        i += 1;
        return element;
      }
      if (text.startsWith('<!--', i)) {
        skipMisc();
        continue;
      }
      element.children.push(readElement());
    }
  };

  const root = readElement();
  skipMisc();
  if (i !== text.length) throw new Error(`content after the root element ${where()}`);
  return { doctype, root };
}

interface ElementRule {
  /** Regular expression over the child names, each followed by one space. 'EMPTY' for no content. */
  content: RegExp | 'EMPTY';
  required: string[];
  optional: string[];
  enums?: Record<string, string[]>;
  numeric?: string[];
}

const SCAN_TYPES = ['syn', 'ack', 'bounce', 'connect', 'null', 'xmas', 'window', 'maimon', 'fin', 'udp', 'sctpinit', 'sctpcookieecho', 'ipproto'];
const PROTOCOLS = ['ip', 'tcp', 'udp', 'sctp'];

const RULES: Record<string, ElementRule> = {
  nmaprun: {
    content: /^(scaninfo )*verbose debugging ((target|taskbegin|taskprogress|taskend|hosthint|prescript|postscript|host|output) )*runstats $/,
    required: ['scanner', 'version', 'xmloutputversion'],
    optional: ['args', 'start', 'startstr', 'profile_name'],
    // nmap.dtd enumerates only "nmap"; "portpick" (the default) is portpick's one deviation from the DTD.
    enums: { scanner: ['nmap', 'portpick'] },
    numeric: ['start'],
  },
  scaninfo: {
    content: 'EMPTY',
    required: ['type', 'protocol', 'numservices', 'services'],
    optional: ['scanflags'],
    enums: { type: SCAN_TYPES, protocol: PROTOCOLS },
    numeric: ['numservices'],
  },
  verbose: { content: 'EMPTY', required: [], optional: ['level'], numeric: ['level'] },
  debugging: { content: 'EMPTY', required: [], optional: ['level'], numeric: ['level'] },
  host: {
    content: /^status address ((address|hostnames|smurf|ports|os|distance|uptime|tcpsequence|ipidsequence|tcptssequence|hostscript|trace) )*(times )?$/,
    required: [],
    optional: ['starttime', 'endtime', 'timedout', 'comment'],
    enums: { timedout: ['true', 'false'] },
  },
  status: {
    content: 'EMPTY',
    required: ['state', 'reason', 'reason_ttl'],
    optional: [],
    enums: { state: ['up', 'down', 'unknown', 'skipped'] },
  },
  address: { content: 'EMPTY', required: ['addr'], optional: ['addrtype', 'vendor'], enums: { addrtype: ['ipv4', 'ipv6', 'mac'] } },
  hostnames: { content: /^(hostname )*$/, required: [], optional: [] },
  hostname: { content: 'EMPTY', required: [], optional: ['name', 'type'], enums: { type: ['user', 'PTR'] } },
  ports: { content: /^(extraports )*(port )*$/, required: [], optional: [] },
  extraports: { content: /^(extrareasons )*$/, required: ['state', 'count'], optional: [], numeric: ['count'] },
  extrareasons: { content: 'EMPTY', required: ['reason', 'count'], optional: ['proto', 'ports'], enums: { proto: PROTOCOLS } },
  port: {
    content: /^state (owner )?(service )?(script )*$/,
    required: ['protocol', 'portid'],
    optional: [],
    enums: { protocol: PROTOCOLS },
    numeric: ['portid'],
  },
  state: { content: 'EMPTY', required: ['state', 'reason', 'reason_ttl'], optional: ['reason_ip'] },
  service: {
    content: /^(cpe )*$/,
    required: ['name', 'conf', 'method'],
    optional: ['version', 'product', 'extrainfo', 'tunnel', 'proto', 'rpcnum', 'lowver', 'highver', 'hostname', 'ostype', 'devicetype', 'servicefp'],
    enums: { conf: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], method: ['table', 'probed'], tunnel: ['ssl'], proto: ['rpc'] },
  },
  runstats: { content: /^finished hosts $/, required: [], optional: [] },
  finished: {
    content: 'EMPTY',
    required: ['time', 'elapsed'],
    optional: ['timestr', 'summary', 'exit', 'errormsg'],
    enums: { exit: ['error', 'success'] },
    numeric: ['time', 'elapsed'],
  },
  hosts: { content: 'EMPTY', required: ['total'], optional: ['up', 'down'], numeric: ['up', 'down', 'total'] },
};

/** Every violation of the nmap DTD rules above, as `path: message` strings (empty when valid). */
export function checkNmapDtd(document: { doctype: string | undefined; root: XmlElement }): string[] {
  const problems: string[] = [];
  if (document.doctype !== 'nmaprun') problems.push(`DOCTYPE: expected nmaprun, got ${document.doctype}`);
  if (document.root.name !== 'nmaprun') problems.push(`root: expected <nmaprun>, got <${document.root.name}>`);
  const visit = (element: XmlElement, path: string): void => {
    const here = `${path}/${element.name}`;
    const rule = RULES[element.name];
    if (!rule) {
      problems.push(`${here}: element not covered by the checked DTD rules`);
      return;
    }
    const childNames = element.children.map((c) => `${c.name} `).join('');
    if (rule.content === 'EMPTY') {
      if (element.children.length > 0 || element.text !== '') problems.push(`${here}: declared EMPTY but has content`);
    } else {
      if (!rule.content.test(childNames)) problems.push(`${here}: children (${childNames.trim()}) do not match ${rule.content}`);
      if (element.text.trim() !== '') problems.push(`${here}: character data in element-only content`);
    }
    for (const key of rule.required) if (!element.attributes.has(key)) problems.push(`${here}: missing required attribute ${key}`);
    for (const [key, value] of element.attributes) {
      if (!rule.required.includes(key) && !rule.optional.includes(key)) problems.push(`${here}: undeclared attribute ${key}`);
      const allowed = rule.enums?.[key];
      if (allowed && !allowed.includes(value)) problems.push(`${here}: ${key}="${value}" not in (${allowed.join('|')})`);
      if (rule.numeric?.includes(key) && !/^[0-9]+(\.[0-9]+)?$/.test(value)) problems.push(`${here}: ${key}="${value}" is not numeric`);
    }
    element.children.forEach((child) => visit(child, here));
  };
  visit(document.root, '');
  return problems;
}
