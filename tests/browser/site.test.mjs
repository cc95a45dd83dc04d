// Folio's site in a real browser (Debian's Chromium, driven by Playwright), with JavaScript
// switched off, at desktop and phone widths. Saves a screenshot of every page to
// $SCREENSHOT_DIR (scripts/browser-test sets artifacts/screenshots/).
//
// Needs: BASE_URL (a running `folio serve`), ADMIN_TOKEN, CHROME_PATH (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL;
const TOKEN = process.env.ADMIN_TOKEN;
const SHOTS = process.env.SCREENSHOT_DIR ?? 'screenshots';
assert.ok(BASE && TOKEN, 'BASE_URL and ADMIN_TOKEN must be set');
mkdirSync(SHOTS, { recursive: true });

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const PAGES = [
  ['home', '/', 'Home'],
  ['about', '/about', 'About'],
  ['projects', '/projects', 'Projects'],
  ['contact', '/contact', 'Contact'],
];

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  await api('POST', '/api/projects', {
    title: 'Browser-tested project',
    description: 'Created through the API before the browser tests.\n\nIt has two paragraphs.',
    technologies: ['Rust', 'Playwright'],
    githubUrl: 'https://github.com/example/folio',
  });
});
after(async () => browser?.close());

async function api(method, path, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) assert.fail(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A page with JavaScript off that records every console error, failed request and error status. */
async function open(device) {
  const context = await browser.newContext({ ...device, javaScriptEnabled: false });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && !r.url().includes('/no-such-page') && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  return { context, page, problems };
}

test('desktop: the navigation reaches every page and marks the current one', async () => {
  const { context, page, problems } = await open(DESKTOP);
  await page.goto(BASE + '/');
  for (const [name, path, label] of PAGES) {
    await page.locator('nav.desktop-nav').getByRole('link', { name: label, exact: true }).click();
    await page.waitForURL(BASE + path);
    const current = page.locator('nav.desktop-nav [aria-current="page"]');
    assert.equal(await current.textContent(), label);
    assert.ok((await page.title()).length > 0);
    await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  }
  assert.equal(await page.locator('details.menu').isVisible(), false, 'no phone menu on a desktop');
  assert.deepEqual(problems, []);
  await context.close();
});

test('phone: the menu opens without JavaScript and navigates', async () => {
  const { context, page, problems } = await open(PHONE);
  for (const [name, path, label] of PAGES) {
    await page.goto(BASE + (path === '/' ? '/about' : '/'));
    assert.equal(await page.locator('nav.desktop-nav').isVisible(), false, 'the desktop row is hidden on a phone');
    await page.locator('details.menu summary').click();
    await page.locator('details.menu').getByRole('link', { name: label, exact: true }).click();
    await page.waitForURL(BASE + path);
    await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a project created through the API appears on /projects and opens', async () => {
  const created = await api('POST', '/api/projects', { title: `Fresh ${Date.now()}`, description: 'Shown at once.' });
  const { context, page, problems } = await open(DESKTOP);
  await page.goto(BASE + '/projects');
  const link = page.getByRole('link', { name: created.title });
  await link.click();
  await page.waitForURL(`${BASE}/projects/${created.slug}`);
  assert.equal(await page.locator('h1').textContent(), created.title);
  const seeded = (await api('GET', '/api/projects')).find((p) => p.title === 'Browser-tested project');
  const detail = await open(DESKTOP);
  await detail.page.goto(`${BASE}/projects/${seeded.slug}`);
  await detail.page.screenshot({ path: join(SHOTS, 'project-detail-desktop.png'), fullPage: true });
  assert.deepEqual([...problems, ...detail.problems], []);
  await detail.context.close();
  await context.close();
});

test('contact: a valid message lands on the thank-you page', async () => {
  const { context, page, problems } = await open(PHONE);
  await page.goto(BASE + '/contact');
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Your e-mail address').fill('grace@example.org');
  await page.getByLabel('Subject').fill('From the browser test');
  await page.getByLabel('Message').fill('Sent from a real browser with JavaScript switched off.');
  await page.getByRole('button', { name: 'Send message' }).click();
  // The test server has no SMTP: the message waits in the owner's inbox, and the page says so.
  await page.waitForURL(BASE + '/contact/received');
  assert.match(await page.locator('[role="status"]').textContent(), /received and waits in my inbox/);
  await page.screenshot({ path: join(SHOTS, 'contact-sent-phone.png'), fullPage: true });
  const stored = await api('GET', '/api/contact-messages');
  assert.ok(stored.some((m) => m.subject === 'From the browser test'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('contact: errors appear next to their fields and the input is kept', async () => {
  const { context, page } = await open(DESKTOP);
  await page.goto(BASE + '/contact');
  await page.getByLabel('Your name').fill('Ada');
  await page.getByLabel('Your e-mail address').fill('not-an-address');
  await page.getByLabel('Message').fill('short');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('#email-error').textContent(), 'Email must be a valid e-mail address.');
  assert.equal(await page.locator('#subject-error').textContent(), 'Subject must not be empty.');
  assert.equal(await page.getByLabel('Your e-mail address').inputValue(), 'not-an-address');
  assert.equal(await page.getByLabel('Message').inputValue(), 'short');
  assert.equal(await page.getByLabel('Your e-mail address').getAttribute('aria-invalid'), 'true');
  await page.screenshot({ path: join(SHOTS, 'contact-errors-desktop.png'), fullPage: true });
  await context.close();
});

test('the 404 page is a page, with the navigation', async () => {
  const { context, page } = await open(DESKTOP);
  const response = await page.goto(BASE + '/no-such-page');
  assert.equal(response.status(), 404);
  assert.equal(await page.locator('h1').textContent(), 'Page not found');
  await page.screenshot({ path: join(SHOTS, 'not-found-desktop.png'), fullPage: true });
  await context.close();
});
