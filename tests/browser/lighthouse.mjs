// Lighthouse on every page of a running Folio site, in Debian's Chromium: prints performance,
// accessibility, best-practices and SEO scores, page weight and largest contentful paint, for
// the simulated phone (Lighthouse's default) and for desktop. Exits 1 if any score is below 100.
//
// Needs: BASE_URL, ADMIN_TOKEN (to create a project so /projects/{slug} exists), CHROME_PATH.

import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import * as chromeLauncher from 'chrome-launcher';

const BASE = process.env.BASE_URL;
const TOKEN = process.env.ADMIN_TOKEN;
if (!BASE || !TOKEN) throw new Error('BASE_URL and ADMIN_TOKEN must be set');

const created = await fetch(`${BASE}/api/projects`, {
  method: 'POST',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    title: 'Folio',
    description: 'A personal site with a projects API, in one Rust binary.\n\nServer-rendered, no JavaScript.',
    technologies: ['Rust', 'PostgreSQL', 'Terraform'],
    githubUrl: 'https://github.com/example/folio',
  }),
}).then((r) => r.json());

const pages = ['/', '/about', '/projects', `/projects/${created.slug}`, '/contact'];
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});

const rows = [];
try {
  for (const [device, config] of [['phone', undefined], ['desktop', desktopConfig]]) {
    for (const path of pages) {
      const result = await lighthouse(BASE + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories }, config);
      const lhr = result.lhr;
      if (lhr.runtimeError) console.error(`${device} ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const score = (c) => Math.round((lhr.categories[c].score ?? 0) * 100);
      rows.push({
        device,
        page: path.startsWith('/projects/') ? '/projects/{slug}' : path,
        performance: score('performance'),
        accessibility: score('accessibility'),
        'best-practices': score('best-practices'),
        seo: score('seo'),
        'weight KiB': (lhr.audits['total-byte-weight'].numericValue / 1024).toFixed(1),
        'LCP ms': Math.round(lhr.audits['largest-contentful-paint'].numericValue),
        failing: Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary').map((a) => a.id).join(' '),
      });
    }
  }
} finally {
  await chrome.kill();
}

console.table(rows);
const below = rows.filter((r) => categories.some((c) => r[c] < 100));
if (below.length) {
  console.error(`${below.length} page audits scored below 100`);
  process.exit(1);
}
console.log('every page scored 100 in all four categories, on the simulated phone and on desktop');
