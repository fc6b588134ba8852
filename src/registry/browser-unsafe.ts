/**
 * Ports browsers refuse to fetch over HTTP(S): the Fetch standard's "bad port"
 * list (https://fetch.spec.whatwg.org/#port-blocking), as of whatwg/fetch
 * commit 4c3750d (2024, "Block ports 4190 & 6679"; 6697 and 10080 came earlier).
 * A web service whose default is one of these cannot be opened in a browser.
 * Port 0 is on the list too; it is never a service port anyway.
 */
export const BROWSER_UNSAFE_PORTS: readonly number[] = Object.freeze([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113,
  115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563,
  587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

const UNSAFE: ReadonlySet<number> = new Set(BROWSER_UNSAFE_PORTS);

/** True when browsers refuse HTTP(S) requests to this port. */
export function isBrowserUnsafePort(port: number): boolean {
  return UNSAFE.has(port);
}
