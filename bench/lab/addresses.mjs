// Address arithmetic for ground truth: IPv4 as numbers, IPv6 as BigInt.

/** Parses a dotted quad into an unsigned 32-bit number. */
export function parseIpv4(text) {
  const parts = text.split('.');
  if (parts.length !== 4) throw new Error(`Expected an IPv4 address, got \`${text}\``);
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) throw new Error(`Expected an IPv4 address, got \`${text}\``);
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value) {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Parses an IPv6 address (with :: compression, optional embedded IPv4) into a BigInt. */
export function parseIpv6(text) {
  const fail = () => new Error(`Expected an IPv6 address, got \`${text}\``);
  let spelled = text;
  const lastColon = spelled.lastIndexOf(':');
  if (lastColon >= 0 && spelled.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(spelled.slice(lastColon + 1));
    spelled = `${spelled.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = spelled.split('::');
  if (halves.length > 2) throw fail();
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) throw fail();
  const groups = [...left, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) throw fail();
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** A canonical key for an address, comparable across tools' spellings. */
export function addressKey(text) {
  return text.includes(':') ? `6:${parseIpv6(text).toString(16)}` : `4:${parseIpv4(text)}`;
}

/**
 * A CIDR block: { family, first, size, contains(addressText), text }.
 * IPv4 first/size are numbers; IPv6 first/size are BigInt.
 */
export function parseCidr(text) {
  const [base, lengthText] = text.split('/');
  const length = Number(lengthText);
  if (base.includes(':')) {
    if (!Number.isInteger(length) || length < 0 || length > 128) throw new Error(`Expected an IPv6 prefix length from 0 to 128, got \`${text}\``);
    const size = 1n << BigInt(128 - length);
    const first = (parseIpv6(base) / size) * size;
    return { family: 6, first, size, text, contains: (address) => address.includes(':') && (parseIpv6(address) - first) >= 0n && (parseIpv6(address) - first) < size };
  }
  if (!Number.isInteger(length) || length < 0 || length > 32) throw new Error(`Expected an IPv4 prefix length from 0 to 32, got \`${text}\``);
  const size = 2 ** (32 - length);
  const first = Math.floor(parseIpv4(base) / size) * size;
  return {
    family: 4,
    first,
    size,
    text,
    contains: (address) => !address.includes(':') && parseIpv4(address) - first >= 0 && parseIpv4(address) - first < size,
  };
}
