// Folio's admin in a real browser (Debian's Chromium, driven by Playwright): JavaScript on and
// off, desktop and phone. Signs in with the admin token, sees the first page, signs out, and is
// refused with a wrong token; manages projects (a field in error, the preview, create, see it on
// /projects, edit (its address too), reorder, hide, delete after the confirmation); edits the site
// content (a field in error, the biography's preview, the home page changed); gives a project a photo
// from its form, sees it on /projects with its srcset (the variant each screen fetches), replaces and
// removes it; audits every admin page with
// axe-core; saves screenshots to $SCREENSHOT_DIR (scripts/browser-test sets
// artifacts/screenshots/).
//
// Needs: BASE_URL (a running `folio serve`), ADMIN_TOKEN, CHROME_PATH (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL;
const TOKEN = process.env.ADMIN_TOKEN;
const SHOTS = process.env.SCREENSHOT_DIR ?? 'screenshots';
assert.ok(BASE && TOKEN, 'BASE_URL and ADMIN_TOKEN must be set');
mkdirSync(SHOTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
after(async () => browser?.close());

/** A page that records console errors, failed requests and error statuses other than `expected`. */
async function open(device, javaScriptEnabled, expected = []) {
  // bypassCSP lets the audit's script into pages whose policy allows none; the pages themselves
  // have no script.
  const context = await browser.newContext({ ...DEVICES[device], javaScriptEnabled, bypassCSP: javaScriptEnabled });
  const page = await context.newPage();
  const problems = [];
  // Chromium also logs an expected error status to the console; only other errors count.
  const isExpected = (text) => expected.some((status) => text.includes(`status of ${status} `));
  page.on('console', (m) => m.type() === 'error' && !isExpected(m.text()) && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && !expected.includes(r.status()) && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  return { context, page, problems };
}

/** axe-core's WCAG 2.1 AA checks on the page as it is: no violations allowed. */
async function audit(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] }));
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `${name}: accessibility violations`);
}

for (const device of Object.keys(DEVICES)) {
  for (const js of [false, true]) {
    const mode = js ? 'js' : 'nojs';
    test(`${device}, JavaScript ${js ? 'on' : 'off'}: sign in, see the admin, sign out`, async () => {
      const { context, page, problems } = await open(device, js);
      await page.goto(BASE + '/admin');
      await page.waitForURL(BASE + '/admin/login');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
      if (js) await audit(page, 'sign-in');
      await page.screenshot({ path: join(SHOTS, `admin-login-${device}-${mode}.png`), fullPage: true });

      await page.getByLabel('Admin token').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(BASE + '/admin');
      assert.match(await page.getByRole('status').textContent(), /You are signed in/);
      const cookies = await context.cookies(BASE + '/admin');
      const session = cookies.find((c) => c.name === 'folio_admin');
      assert.ok(session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(cookies));
      assert.equal((await context.cookies(BASE + '/')).length, 0, 'the public pages never get the cookie');
      if (js) await audit(page, 'admin');
      await page.screenshot({ path: join(SHOTS, `admin-home-${device}-${mode}.png`), fullPage: true });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(BASE + '/admin/login?signed_out=1');
      assert.match(await page.getByRole('status').textContent(), /You are signed out/);
      await page.goto(BASE + '/admin');
      await page.waitForURL(BASE + '/admin/login');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

async function signIn(page) {
  await page.goto(BASE + '/admin/login');
  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(BASE + '/admin');
}

/** The project titles on the public /projects page, in order. */
async function onTheSite(context) {
  const site = await context.newPage();
  await site.goto(BASE + '/projects');
  const titles = await site.locator('main h2').allTextContents();
  await site.close();
  return titles.map((t) => t.trim());
}

/** Submits with `button` and waits for the page it leads to. */
async function press(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
}

for (const device of Object.keys(DEVICES)) {
  for (const js of [false, true]) {
    const mode = js ? 'js' : 'nojs';
    test(`${device}, JavaScript ${js ? 'on' : 'off'}: create, preview, edit, reorder, hide and delete projects`, async () => {
      const { context, page, problems } = await open(device, js, [400]);
      const shot = (name) => page.screenshot({ path: join(SHOTS, `admin-${name}-${device}-${mode}.png`), fullPage: true });
      const title = `Made in ${device} ${mode} ${Date.now()}`;
      await signIn(page);
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Projects' }).click();
      await page.waitForURL(BASE + '/admin/projects');
      await page.getByRole('link', { name: 'New project' }).click();
      await page.waitForURL(BASE + '/admin/projects/new');

      // A field in error: next to it, with what was typed kept.
      await page.getByLabel('Description').fill('**Made** in a browser.\n\nSecond paragraph.');
      await page.getByLabel('Web address').fill('not an address');
      await press(page, 'Save');
      assert.equal(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#title-error').textContent(), 'Title must not be empty.');
      assert.equal(await page.locator('#projectUrl-error').textContent(), 'Web address must be an absolute http or https URL.');
      assert.equal(await page.getByLabel('Description').inputValue(), '**Made** in a browser.\n\nSecond paragraph.');
      if (js) await audit(page, 'project form with errors');
      await shot('project-errors');

      // The preview renders the Markdown and saves nothing; then save.
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Web address').fill('https://example.org/made');
      await page.getByLabel('Technologies').fill('Rust\nC, C++');
      await press(page, 'Preview the description');
      assert.equal(await page.locator('.rendered strong').textContent(), 'Made');
      if (js) await audit(page, 'project form with the preview');
      await shot('project-preview');
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/projects?done=created');
      assert.match(await page.getByRole('status').textContent(), /The project was created/);
      assert.ok((await onTheSite(context)).includes(title), 'the new project is on /projects');

      // Edit it, its address too (made from the title when it was created).
      await page.getByRole('link', { name: `Edit ${title}` }).click();
      assert.equal(await page.getByLabel('Technologies').inputValue(), 'Rust\nC, C++');
      const slug = title.toLowerCase().replaceAll(' ', '-');
      assert.equal(await page.getByLabel('Address', { exact: true }).inputValue(), slug);
      await page.getByLabel('Title').fill(`${title} A`);
      await page.getByLabel('Address', { exact: true }).fill(`${slug}-a`);
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/projects?done=saved');
      const a = `${title} A`;
      const b = `${title} B`;
      assert.ok((await onTheSite(context)).includes(a), 'the edit is on /projects');
      const opened = await context.newPage();
      assert.equal((await opened.goto(`${BASE}/projects/${slug}-a`)).status(), 200);
      assert.equal((await opened.locator('h1').textContent()).trim(), a);
      await opened.close();

      // A second one, newest first; move it down below the first.
      await page.getByRole('link', { name: 'New project' }).click();
      await page.getByLabel('Title').fill(b);
      await page.getByLabel('Description').fill('The second.');
      await press(page, 'Save');
      let site = await onTheSite(context);
      assert.ok(site.indexOf(b) < site.indexOf(a), `newest first: ${site}`);
      await press(page, `Move ${b} down`);
      assert.match(await page.getByRole('status').textContent(), /The order was changed/);
      site = await onTheSite(context);
      assert.ok(site.indexOf(a) >= 0 && site.indexOf(a) < site.indexOf(b), `moved: ${site}`);
      if (js) await audit(page, 'project list');
      await shot('projects');

      // Hide the first: gone from the site, a draft in the admin.
      await press(page, `Hide ${a}`);
      assert.match(await page.getByRole('status').textContent(), /The project is hidden/);
      assert.ok(!(await onTheSite(context)).includes(a), 'a hidden project is not on /projects');
      const row = page.locator('li.project', { hasText: a });
      assert.equal((await row.locator('.state').textContent()).trim(), 'Hidden (draft)');

      // Delete both, each after its confirmation page.
      for (const doomed of [b, a]) {
        await page.getByRole('link', { name: `Delete ${doomed}` }).click();
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), `Delete “${doomed}”?`);
        if (js && doomed === b) await audit(page, 'delete confirmation');
        if (doomed === b) await shot('project-delete');
        await press(page, 'Delete');
        await page.waitForURL(BASE + '/admin/projects?done=deleted');
      }
      site = await onTheSite(context);
      assert.ok(!site.includes(a) && !site.includes(b), `deleted: ${site}`);
      await press(page, 'Sign out');
      await page.waitForURL(BASE + '/admin/login?signed_out=1');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

/** Two photos made by the browser itself: a JPEG of 1800 × 1200 and a PNG of 900 × 600. */
async function photos() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const make = (type, width, height) =>
    page.evaluate(
      async ([type, width, height]) => {
        const canvas = Object.assign(document.createElement('canvas'), { width, height });
        const g = canvas.getContext('2d');
        const fill = g.createLinearGradient(0, 0, width, height);
        fill.addColorStop(0, '#0b57d0');
        fill.addColorStop(1, '#f2b8b5');
        g.fillStyle = fill;
        g.fillRect(0, 0, width, height);
        const blob = await new Promise((done) => canvas.toBlob(done, type, 0.9));
        return Array.from(new Uint8Array(await blob.arrayBuffer()));
      },
      [type, width, height],
    );
  const jpeg = { name: 'IMG_2041.JPG', mimeType: 'image/jpeg', buffer: Buffer.from(await make('image/jpeg', 1800, 1200)) };
  const png = { name: 'bridge.png', mimeType: 'image/png', buffer: Buffer.from(await make('image/png', 900, 600)) };
  await context.close();
  return { jpeg, png };
}

/** The card's photo on /projects as this device fetches it: its attributes, and the files fetched. */
async function cardPhoto(context, alt) {
  const site = await context.newPage();
  const fetched = [];
  site.on('response', (r) => r.url().includes('/media/') && fetched.push(`${r.status()} ${new URL(r.url()).pathname}`));
  await site.goto(BASE + '/projects', { waitUntil: 'load' });
  const img = site.getByRole('img', { name: alt, exact: true });
  const found = (await img.count()) === 1;
  const attributes = found
    ? Object.fromEntries(await Promise.all(['src', 'srcset', 'sizes', 'width', 'height', 'loading'].map(async (a) => [a, await img.getAttribute(a)])))
    : null;
  await site.close();
  return { attributes, fetched };
}

for (const device of Object.keys(DEVICES)) {
  for (const js of [false, true]) {
    const mode = js ? 'js' : 'nojs';
    test(`${device}, JavaScript ${js ? 'on' : 'off'}: give a project a photo, see it on /projects, replace it, remove it`, async () => {
      const { jpeg, png } = await photos();
      const { context, page, problems } = await open(device, js, [400]);
      const shot = (name) => page.screenshot({ path: join(SHOTS, `admin-${name}-${device}-${mode}.png`), fullPage: true });
      const title = `Pictured in ${device} ${mode} ${Date.now()}`;
      const alt = `The bridge, from ${device} ${mode}`;
      await signIn(page);
      await page.goto(BASE + '/admin/projects/new');
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Description').fill('A project with a photo.');
      await page.getByLabel('Choose a photo').setInputFiles(jpeg);
      await page.getByLabel('Alt text').fill(alt);
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/projects?done=created');

      // On the site: every attribute, and the one WebP variant this screen needs fetched.
      let card = await cardPhoto(context, alt);
      assert.ok(card.attributes, `the photo is on /projects: ${JSON.stringify(card)}`);
      const first = card.attributes.src.split('/')[2];
      assert.equal(card.attributes.src, `/media/${first}/fallback.jpg`);
      assert.equal(card.attributes.srcset, `/media/${first}/480w.webp 480w, /media/${first}/960w.webp 960w, /media/${first}/1600w.webp 1600w`);
      assert.deepEqual([card.attributes.width, card.attributes.height], ['1600', '1067']);
      assert.ok(card.attributes.sizes, 'sizes is set');
      // A 390-pixel phone at twice the density shows the card 390 wide (780 pixels); the
      // desktop's four columns show it 16rem (256) wide.
      const wanted = device === 'phone' ? '960w.webp' : '480w.webp';
      assert.deepEqual(card.fetched, [`200 /media/${first}/${wanted}`], 'only the variant this screen needs');

      // The form shows the photo; replace it with another.
      await page.getByRole('link', { name: `Edit ${title}` }).click();
      assert.equal(await page.getByRole('img', { name: 'The photo chosen now' }).count(), 1);
      if (js) await audit(page, 'project form with a photo');
      await shot('project-photo');
      await page.getByLabel('Replace the photo').setInputFiles(png);
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/projects?done=saved');
      card = await cardPhoto(context, alt);
      const second = card.attributes?.src.split('/')[2];
      assert.ok(second && second !== first, `replaced: ${JSON.stringify(card)}`);
      assert.equal(card.attributes.srcset, `/media/${second}/480w.webp 480w, /media/${second}/900w.webp 900w`);
      const gone = await context.request.get(`${BASE}/media/${first}/fallback.jpg`);
      assert.equal(gone.status(), 404, 'the replaced photo is deleted');

      // Remove it: the card has no photo, and the file is gone.
      await page.getByRole('link', { name: `Edit ${title}` }).click();
      await page.getByLabel('Remove the photo').check();
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/projects?done=saved');
      card = await cardPhoto(context, alt);
      assert.equal(card.attributes, null, 'no photo on /projects');
      assert.equal((await context.request.get(`${BASE}/media/${second}/fallback.png`)).status(), 404);

      await page.getByRole('link', { name: `Delete ${title}` }).click();
      await press(page, 'Delete');
      await page.waitForURL(BASE + '/admin/projects?done=deleted');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

for (const device of Object.keys(DEVICES)) {
  for (const js of [false, true]) {
    const mode = js ? 'js' : 'nojs';
    test(`${device}, JavaScript ${js ? 'on' : 'off'}: edit the site content and see the home page change`, async () => {
      const { context, page, problems } = await open(device, js, [400]);
      const shot = (name) => page.screenshot({ path: join(SHOTS, `admin-${name}-${device}-${mode}.png`), fullPage: true });
      await signIn(page);
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Site content' }).click();
      await page.waitForURL(BASE + '/admin/site');
      const links = page.getByLabel('Links', { exact: true });
      const headline = page.getByLabel('Headline', { exact: true });
      const biography = page.getByLabel('Biography', { exact: true });
      const before = { links: await links.inputValue(), headline: await headline.inputValue(), biography: await biography.inputValue() };
      assert.match(before.links, /^GitHub \| https:\/\//);

      // A field in error: next to it, with its line, and everything typed kept.
      const fresh = `Headline from ${device} ${mode} ${Date.now()}`;
      await headline.fill(fresh);
      await links.fill(`${before.links}\nBlog | not an address`);
      await press(page, 'Save');
      assert.equal(await links.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#links-error').textContent(), /^Line 3: "not an address" is not an absolute http or https URL/);
      assert.equal(await headline.inputValue(), fresh);
      if (js) await audit(page, 'site content form with errors');
      await shot('site-errors');

      // The preview renders the biography and saves nothing; then save.
      await links.fill(`${before.links}\nBlog | https://example.org/blog`);
      await biography.fill('I write **engines** and keep them running.');
      await press(page, 'Preview the biography');
      assert.equal(await page.locator('.rendered strong').textContent(), 'engines');
      if (js) await audit(page, 'site content form with the preview');
      await shot('site-preview');
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/site?done=saved');
      assert.match(await page.getByRole('status').textContent(), /Your changes were saved/);

      const site = await context.newPage();
      await site.goto(BASE + '/');
      assert.ok((await site.locator('main').textContent()).includes(fresh), 'the new headline is on the home page');
      assert.equal(await site.locator('footer a[href="https://example.org/blog"]').count(), 1, 'the new link is in the footer');
      await site.goto(BASE + '/about');
      assert.equal(await site.locator('main strong', { hasText: 'engines' }).count(), 1, 'the biography is rendered');
      await site.close();

      // Put it back as it was, for the tests that read the demo's pages.
      await headline.fill(before.headline);
      await links.fill(before.links);
      await biography.fill(before.biography);
      await press(page, 'Save');
      await page.waitForURL(BASE + '/admin/site?done=saved');
      if (js) await audit(page, 'site content form');
      await shot('site');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

for (const device of Object.keys(DEVICES)) {
  for (const js of [false, true]) {
    const mode = js ? 'js' : 'nojs';
    test(`${device}, JavaScript ${js ? 'on' : 'off'}: a visitor's message is read, handled and deleted in the inbox`, async () => {
      const subject = `Hello from ${device} ${mode} ${Date.now()}`;
      const visitor = await browser.newContext({ ...DEVICES[device], javaScriptEnabled: false });
      const form = await visitor.newPage();
      await form.goto(BASE + '/contact');
      await form.getByLabel('Your name').fill('Grace Hopper');
      await form.getByLabel('Your e-mail address').fill('grace@example.org');
      await form.getByLabel('Subject').fill(subject);
      await form.getByLabel('Message').fill('A message for the inbox.\nOn two lines.');
      await form.getByRole('button', { name: 'Send message' }).click();
      await form.waitForURL(BASE + '/contact/received');
      await visitor.close();

      const { context, page, problems } = await open(device, js);
      await signIn(page);
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Inbox' }).click();
      await page.waitForURL(BASE + '/admin/inbox');
      const message = page.locator('li.message', { hasText: subject });
      assert.equal((await message.locator('.state').first().textContent()).trim(), 'Unread');
      assert.match(await message.locator('.text').textContent(), /A message for the inbox\.\nOn two lines\./);
      assert.equal(await page.getByRole('button', { name: /^E-mail .* again now$/ }).count(), 0, 'no SMTP: no retry');
      if (js) await audit(page, 'inbox');
      await page.screenshot({ path: join(SHOTS, `admin-inbox-${device}-${mode}.png`), fullPage: true });

      await press(page, `Mark “${subject}” read`);
      assert.match(await page.getByRole('status').textContent(), /marked read/);
      await press(page, `Mark “${subject}” handled`);
      assert.match(await page.getByRole('status').textContent(), /marked handled/);
      assert.deepEqual((await message.locator('.state').allTextContents()).map((t) => t.trim()), ['Read', 'Handled']);

      await page.getByRole('link', { name: `Delete “${subject}”` }).click();
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), `Delete “${subject}”?`);
      if (js) await audit(page, 'message delete confirmation');
      await press(page, 'Delete');
      await page.waitForURL(BASE + '/admin/inbox?done=deleted');
      assert.equal(await page.locator('li.message', { hasText: subject }).count(), 0);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('a wrong token is refused next to the field, and the form stays usable', async () => {
  const { context, page, problems } = await open('phone', true, [401]);
  await page.goto(BASE + '/admin/login');
  await page.getByLabel('Admin token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  const field = page.getByLabel('Admin token');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#token-error').textContent(), 'That is not the admin token.');
  await audit(page, 'sign-in with an error');
  await page.screenshot({ path: join(SHOTS, 'admin-login-error-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
