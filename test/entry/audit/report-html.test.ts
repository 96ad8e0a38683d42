/**
 * The HTML evidence report opened in headless Chromium (Debian's, driven by playwright-core) with the network
 * off: it renders, its text is readable (every section, the statements as written), nothing is fetched, no
 * script runs — not even one a requester typed into a reason — and no error is reported.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivityEvidence } from '../../../src/domain/activity.js';
import { htmlReport } from '../../../src/entry/audit/audit-report.js';
import type { AuditStory } from '../../../src/entry/audit/audit-story.js';
import { anEvent, aRequest } from '../../support/request-builder.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
if (!available)
  console.warn(
    `skipping the HTML report in Chromium: ${CHROMIUM} is not installed (apt-get install chromium)`,
  );

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evidence: ActivityEvidence = {
  source: 'mariadb-audit /var/lib/mysql/server_audit.log',
  window: { from: '2030-01-02T03:04:05.000Z', to: '2030-01-02T04:04:05.000Z' },
  summary: {
    connections: 2,
    failedConnections: 0,
    statements: { read: 5, write: 1, ddl: 1, other: 0 },
    changes: [
      {
        at: '2030-01-02T03:10:00.000Z',
        kind: 'write',
        statement: "UPDATE orders SET note = '<b>x</b>' WHERE id = 1",
      },
      { at: '2030-01-02T03:11:00.000Z', kind: 'ddl', statement: 'CREATE TABLE scratch (i INT)' },
    ],
    failures: [],
    omitted: { changes: 0, failures: 0 },
  },
};

function story(): AuditStory {
  const first = anEvent();
  const recorded = anEvent({ type: 'activity-recorded', from: 'ended', to: 'ended', details: evidence }, [
    first,
  ]);
  const request = aRequest({
    state: 'ended',
    reason: '<script>window.ranScript = true; alert(1)</script> & friends',
    account: { user: 'ada_lovelace', host: '127.77.0.5' },
    events: [first, recorded],
  });
  return {
    request,
    verification: { ok: true, chain: 'intact', signature: 'valid' },
    activity: evidence,
    granted: { privileges: ['SELECT', 'UPDATE'], protectedTables: ['secret_*'] },
  };
}

describe.skipIf(!available)('the HTML evidence report in Chromium', () => {
  it('renders offline, readable, with no request, no script and no error', async () => {
    const file = join(dir, 'evidence.html');
    writeFileSync(
      file,
      htmlReport([story()], {
        title: 'request r-test',
        generatedAt: new Date('2030-01-03T00:00:00Z'),
        source: 'the test store',
      }),
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const problems: string[] = [];
      const fetched: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => fetched.push(r.url()));
      await page.goto(pathToFileURL(file).href);

      expect(await page.title()).toBe('Drawbridge evidence report: request r-test');
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees.
      const text = await page.locator('body').innerText();
      for (const heading of [
        'What was approved',
        'What was granted',
        'What was executed',
        'How it ended',
        'Verification',
      ])
        expect(text).toContain(heading);
      expect(text).toContain("UPDATE orders SET note = '<b>x</b>' WHERE id = 1");
      expect(text).toContain('CREATE TABLE scratch (i INT)');
      expect(text).toContain('<script>window.ranScript = true; alert(1)</script> & friends');
      expect(text).toContain('VERIFIED');
      expect(await page.evaluate('typeof globalThis.ranScript')).toBe('undefined');
      expect(await page.locator('script').count()).toBe(0);
      const heading = await page.locator('h1').boundingBox();
      expect(heading?.height).toBeGreaterThan(10);
      expect(problems).toEqual([]);
      expect(fetched.filter((u) => !u.startsWith('file:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
