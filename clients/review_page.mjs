// Drives the review page of an oxgit server in Debian's headless Chromium through
// playwright-core (npm, pinned by .ci/clients.sh), as a person would: opens `/`, follows
// the repository's link, picks two revisions (or a merge request), presses Compare and
// reads what the page shows.
//
// Usage: node clients/review_page.mjs BASE_URL REPO SCREENSHOT.png (--from REV --to REV | --mr IID)
// Prints JSON: {index: [{text, href}], url, summary, state, rows: [{status, path, adds,
// dels, notes}], sections: [{path, name, note, lines: [{cls, num_old, num_new, text}]}],
// dialogs, requests, console (errors), injected (elements the content became)}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'target', 'clients', 'node', 'package.json'));
const { chromium } = require('playwright-core');

const [base, repo, shot, ...rest] = process.argv.slice(2);
const want = {};
for (let i = 0; i < rest.length; i += 2) {
  if (!['--from', '--to', '--mr'].includes(rest[i])) throw new Error(`unknown option ${rest[i]}`);
  want[rest[i].slice(2)] = rest[i + 1];
}

const profile = mkdtempSync(join(tmpdir(), 'oxgit-review-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1200, height: 900 },
});
const out = { dialogs: [], requests: [], console: [] };
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('dialog', (d) => { out.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => out.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') out.console.push(m.text()); });
  page.on('pageerror', (e) => out.console.push(String(e)));

  await page.goto(base + '/');
  out.index = await page.$$eval('#repos a', (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  const link = page.locator('#repos a').filter({ hasText: repo }).first();
  await Promise.all([page.waitForURL('**/ui/**'), link.click()]);

  if (want.mr !== undefined) {
    await page.selectOption('#mr', want.mr);
  } else {
    await page.selectOption('#from', want.from ?? '');
    await page.selectOption('#to', want.to ?? 'HEAD');
    await page.click('#compare');
  }
  await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 20000 });
  out.url = page.url();
  out.state = await page.getAttribute('body', 'data-state');
  out.summary = await page.textContent('#summary');
  out.rows = await page.$$eval('#files tbody tr', (trs) => trs.map((tr) => ({
    status: tr.querySelector('.status').textContent,
    path: tr.querySelector('.path').textContent,
    adds: tr.querySelector('.adds').textContent,
    dels: tr.querySelector('.dels').textContent,
    notes: Array.from(tr.querySelectorAll('.notes .badge'), (b) => b.textContent),
    data_path: tr.getAttribute('data-path'),
  })));
  out.sections = await page.$$eval('#diffs section', (ss) => ss.map((s) => ({
    path: s.getAttribute('data-path'),
    name: s.querySelector('h2').textContent,
    note: s.querySelector('p.note')?.textContent ?? null,
    lines: Array.from(s.querySelectorAll('tr'), (tr) => {
      const tds = tr.querySelectorAll('td');
      return { cls: tr.className, num_old: tds[0].textContent, num_new: tds[1].textContent, text: tds[2].textContent,
        background: getComputedStyle(tr).backgroundColor };
    }),
  })));
  // Anything the page's content turned into markup would show up as elements.
  out.injected = await page.$$eval('#files img, #diffs img, #files script, #diffs script, select img', (e) => e.length);
  await page.screenshot({ path: shot, fullPage: true });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out));
