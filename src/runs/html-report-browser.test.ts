// The HTML report in a real browser: Debian's chromium, headless, a fresh profile, no network.
// The report must stand alone (the graph drawn as inline SVG at report time), show each leaf's
// outcome, output and error, keep hostile text from a run as text (no script runs, no element
// is injected) and make no request but for the file itself.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/index.js';
import { emptyMemoUsage, type WorkflowSpecInput } from '../ir/index.js';
import { executeWorkflow, systemEnvironment, type EffectResult, type LeafRunner } from '../engine/index.js';
import { SqliteTraceStore, TraceSink } from '../trace/index.js';
import { CountingGateway } from './testing/counting-ports.js';
import { spec } from './testing/hand-built-specs.js';

const CHROMIUM = '/usr/bin/chromium';
const chromiumInstalled = existsSync(CHROMIUM);
if (!chromiumInstalled) {
  const reason = `${CHROMIUM} is not installed (Debian package "chromium"; .ci/run installs it)`;
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') throw new Error(`${reason}. CI is set, so this is a failure, not a skip.`);
  console.log(`skipped: ${reason}`);
}

/** Hostile text a model could write: each would run script, inject markup or fetch if not escaped. */
const SCRIPT_OUTPUT = '<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned = \'img\'"> and a tracker <img src="http://127.0.0.1:9/pixel.png">';
const ERROR_TEXT = 'tests failed: <svg onload="window.__pwned = \'svg\'"></svg> & "quotes" \'too\'';
const HOSTILE_ID = 'review<b>bold</b>';
/** A terminal escape (OSC 52 writes the clipboard): shown as visible text, never as the raw bytes. */
const CLIPBOARD_WRITE = '\x1b]52;c;cGF5bG9hZA==\x07';

const WORKFLOW = spec({
  id: 'report-check',
  goal: 'review </title><script>window.__pwned = "goal"</script>',
  nodes: [
    {
      kind: 'branch_set',
      spec: {
        id: 'reviewers',
        parallel: true,
        children: [
          { kind: 'leaf', spec: { id: HOSTILE_ID, prompt: 'review it' } },
          { kind: 'leaf', spec: { id: 'tests', prompt: 'run the tests' } },
          { kind: 'leaf', spec: { id: 'long', prompt: 'write a lot' } },
        ],
      },
    },
  ],
} as WorkflowSpecInput);

/** One leaf writes hostile output, one fails with a hostile error, one writes more than the excerpt. */
const leafRunner: LeafRunner = {
  async run(input): Promise<EffectResult> {
    const usage = { input_tokens: 10, output_tokens: 5, cost_microusd: 1 };
    if (input.leaf.id === 'tests') return { status: 'failed', output: `FAIL src/a.test.ts${CLIPBOARD_WRITE}`, error: ERROR_TEXT, usage, memo_usage: emptyMemoUsage() };
    if (input.leaf.id === 'long') return { status: 'succeeded', output: `${'line of output\n'.repeat(300)}THE END`, usage, memo_usage: emptyMemoUsage() };
    return { status: 'succeeded', output: SCRIPT_OUTPUT, usage, memo_usage: emptyMemoUsage() };
  },
};

let reportFile: string;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'whaleflow-html-report-'));
  const db = join(directory, 'trace.db');
  const store = new SqliteTraceStore(db);
  const sink = new TraceSink(store);
  await executeWorkflow({ spec: WORKFLOW, runId: 'report-run-0001', label: 'label <i>italic</i>', sink, leafRunner, gateway: new CountingGateway(), environment: systemEnvironment() });
  sink.close();
  store.close();
  reportFile = join(directory, 'report.html');
  const result = await runCliInMemory(['report', 'last', '--format', 'html', '-o', reportFile, '--db', db], { cwd: directory, env: {} });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
});

describe('the HTML report file', () => {
  it('is self-contained: the graph is inline SVG laid out at report time; no script, no external reference', () => {
    const html = readFileSync(reportFile, 'utf8');
    expect(html).toMatch(/<figure class="graph"><svg /);
    expect(html).not.toMatch(/<script|<(img|link|iframe|object|embed|image)\b/i);
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).toContain('default-src \'none\'');
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
  });
});

describe.skipIf(!chromiumInstalled)('the HTML report in headless Chromium', () => {
  let close: () => Promise<void> = async () => undefined;
  let page: import('playwright-core').Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'whaleflow-chromium-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      offline: true,
    });
    close = () => context.close();
    context.on('request', (request) => requests.push(request.url()));
    // Anything but the report itself is refused, so a leak could not reach the network even if it tried.
    await context.route((url) => url.protocol !== 'file:', (route) => route.abort());
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await close();
  });

  it('draws the graph: SVG nodes for every leaf and a cluster for the branch, coloured by outcome', async () => {
    const nodes = page.locator('figure.graph svg g.node');
    expect(await nodes.count()).toBe(3);
    const labels = await nodes.allTextContents();
    expect(labels.join('\n')).toContain(`${HOSTILE_ID} (leaf)`);
    expect(labels.some((text) => text.includes('tests (leaf)') && text.includes('failed'))).toBe(true);
    expect(await page.locator('figure.graph svg g.cluster').count()).toBe(1);
    const box = await page.locator('figure.graph svg').boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(box!.height).toBeGreaterThan(50);
  });

  it("shows each leaf's outcome, output excerpt and error, hostile text shown as text", async () => {
    const section = (leaf: string) => page.locator(`section.leaf[data-leaf="${leaf.replace(/"/g, '\\"')}"]`);
    expect(await section(HOSTILE_ID).locator('h3').textContent()).toBe(`${HOSTILE_ID} — succeeded`);
    expect(await section(HOSTILE_ID).locator('pre.output').textContent()).toBe(SCRIPT_OUTPUT);
    expect(await section('tests').locator('h3').textContent()).toBe('tests — failed');
    expect(await section('tests').locator('pre.error').textContent()).toBe(ERROR_TEXT);
    expect(await section('tests').locator('pre.output').textContent()).toBe('FAIL src/a.test.ts\\x1b]52;c;cGF5bG9hZA==\\x07');
    const long = await section('long').locator('pre.output').textContent();
    expect(long!.length).toBe(2_000);
    expect(await section('long').locator('.note').textContent()).toMatch(/… 2\d\d\d more characters: whaleflow inspect report-r long --full/);
    expect(await page.locator('table.leaves tbody tr').count()).toBe(3);
    expect(await page.title()).toBe('Run report-run-0001');
  });

  it('runs no script from a run and injects no element; the only request is the report file', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
    expect(await page.locator('body img, body b, body i, section svg').count()).toBe(0);
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    expect(consoleErrors).toEqual([]);
  });
});

// Keep a copy of the last report beside the test's temp files for a human to open when it fails.
afterAll(() => {
  if (reportFile && existsSync(reportFile)) writeFileSync(join(directory, 'README.txt'), `open ${reportFile} in a browser\n`);
});
