import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../helpers/required.js';
import { cliFixtures, runCli } from '../cli/run-cli.js';

/**
 * The page `portpick map --format html` writes, in a real browser: Debian's
 * chromium driven by playwright-core (Playwright's own browser download is
 * not reachable here). The flags keep chromium from opening connections of
 * its own; the page itself is a file.
 */
const CHROMIUM = process.env.PORTPICK_TEST_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = required(existsSync(CHROMIUM), `chromium (looked for ${CHROMIUM})`, 'apt-get install chromium, or set PORTPICK_TEST_CHROMIUM=PATH');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Geometry {
  left: number;
  top: number;
  cell: number;
  perRow: number;
  firstRowPort: number;
}

describe.skipIf(!hasChromium)('the map page in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portpick-map-browser-'));
  const page = join(dir, 'map.html');
  let context: BrowserContext;
  let tab: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    // The shipped IANA snapshot (8080 is http-alt there), the small nmap and services fixtures, no listeners.
    const made = await runCli([
      'map',
      '--range',
      '7168-8191',
      '--nmap-services',
      join(cliFixtures, 'nmap-services-small'),
      '--services',
      join(cliFixtures, 'services-small'),
      '--reservations',
      join(cliFixtures, 'reservations.json'),
      '--no-listeners',
      '-o',
      page,
    ]);
    expect(made.stderr).toBe('');
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 1000 },
    });
    tab = await context.newPage();
    tab.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('request', (request) => requests.push(request.url()));
    await tab.goto(pathToFileURL(page).href);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Moves the pointer to the middle of `port`'s cell, as the page lays it out. */
  async function pointAt(port: number): Promise<{ x: number; y: number }> {
    const geometry = JSON.parse((await tab.locator('#geometry').textContent()) ?? '{}') as Geometry;
    const box = await tab.locator('#map svg').boundingBox();
    // Expressions run in the page (this file is compiled without the DOM's types).
    const viewWidth = (await tab.evaluate("document.querySelector('#map svg').viewBox.baseVal.width")) as number;
    if (box === null) throw new Error('the map has no box');
    const scale = box.width / viewWidth;
    const offset = port - geometry.firstRowPort;
    const x = box.x + (geometry.left + ((offset % geometry.perRow) + 0.5) * geometry.cell) * scale;
    const y = box.y + (geometry.top + (Math.floor(offset / geometry.perRow) + 0.5) * geometry.cell) * scale;
    await tab.mouse.move(x, y);
    return { x, y };
  }

  it('renders the map: a visible picture with its cells and legend', async () => {
    const box = await tab.locator('#map svg').boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    expect(box?.height).toBeGreaterThan(300);
    expect(await tab.locator('#map .cells rect').count()).toBeGreaterThan(100);
    expect(await tab.locator('#map .legend text').first().textContent()).toMatch(/: \d+$/);
    expect(await tab.title()).toBe('portpick map: 7168-8191/tcp');
  });

  it('shows the evidence of the port under the pointer', async () => {
    const { x, y } = await pointAt(8080);
    const panel = tab.locator('#evidence');
    await expect.poll(() => panel.textContent()).toContain('Port 8080/tcp');
    expect(await panel.textContent()).toContain('iana: IANA assigned 8080/tcp to http-alt');
    expect(await panel.textContent()).not.toContain('Port 8080/tcp8080/tcp'); // the heading names the port once
    // The cell under the pointer is drawn in its class's colour.
    const fill = await tab.evaluate(`document.elementFromPoint(${x}, ${y})?.closest('g[fill]')?.getAttribute('fill') ?? null`);
    expect(fill).toMatch(/^#[0-9a-f]{6}$/);
    expect(fill).not.toBe('#2e9d48'); // not the free colour
  });

  it('names the exact port inside a run of free ports, with what the run shares', async () => {
    const html = readFileSync(page, 'utf8');
    const free = /<title>(\d+)-(\d+)\/tcp \(\d+ ports\): free/.exec(html);
    expect(free).not.toBeNull();
    const port = Number(free?.[1]) + 1;
    await pointAt(port);
    await expect.poll(() => tab.locator('#evidence').textContent()).toContain(`Port ${port}/tcp`);
    expect(await tab.locator('#evidence').textContent()).toContain(`${free?.[1]}-${free?.[2]}/tcp`);
  });

  it('logs no errors or warnings, and fetches nothing but the page', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(page).href]);
  });
});
