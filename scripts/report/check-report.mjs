#!/usr/bin/env node
// Opens a scalebench report.html in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and fails when the page logs a console error, throws, asks for anything over
// the network (the report must work offline), or when any figure did not render (every figure
// element must hold an SVG with drawn marks). Optionally saves screenshots of the ranking table
// and of two learning-curve figures.
//
// Usage:
//   node scripts/report/check-report.mjs REPORT.html [--screenshots DIR] [--figure TITLE]...
//        [--timeout-ms N]
//   --figure: a learning-curve figure to screenshot, by its title, e.g.
//             "fashion_mnist/rbf [data]" (default: the first two curve figures)
// Exit status: 0 when the page passed, 1 when it did not (each problem is printed), 2 on bad
// arguments.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

function parseArguments(argv) {
  const options = { report: null, screenshots: null, figures: [], timeoutMs: 60000 };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--screenshots') options.screenshots = value();
    else if (arg === '--figure') options.figures.push(value());
    else if (arg === '--timeout-ms') options.timeoutMs = Number(value());
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (options.report === null) options.report = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (options.report === null) usage('no report given');
  if (!existsSync(options.report)) usage(`${options.report} does not exist`);
  if (!(options.timeoutMs > 0)) usage('--timeout-ms must be a positive number');
  return options;
}

function usage(message) {
  console.error(`check-report: ${message}\n` +
                'usage: check-report.mjs REPORT.html [--screenshots DIR] [--figure TITLE]... ' +
                '[--timeout-ms N]');
  process.exit(2);
}

const options = parseArguments(process.argv.slice(2));
const started = Date.now();
const problems = [];
const userDataDir = mkdtempSync(join(tmpdir(), 'scalebench-chromium-'));
// A persistent context on a fresh profile folder: nothing from an earlier session is reused.
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  // The page must be self-contained: any request other than the file itself is a problem.
  const url = pathToFileURL(resolve(options.report)).href;
  await page.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested === url || requested.startsWith('data:')) return route.continue();
    problems.push(`network request: ${requested}`);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  try {
    await page.waitForFunction(() => document.body.dataset.figures !== undefined, null,
                               { timeout: options.timeoutMs });
  } catch {
    problems.push(`figures not finished after ${options.timeoutMs} ms`);
  }
  const figures = await page.evaluate(() => {
    const listed = JSON.parse(document.getElementById('scalebench-figures')?.textContent ?? '[]');
    const elements = [...document.querySelectorAll('.figure')];
    return {
      listed: listed.map((f) => f.id),
      elements: elements.map((element) => {
        const svg = element.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: element.id,
          title: element.title,
          rendered: element.dataset.rendered ?? 'pending',
          width: box ? box.width : 0,
          height: box ? box.height : 0,
          // Drawn marks: groups Vega gives the role "mark" that hold at least one shape.
          marks: svg ? [...svg.querySelectorAll('g.role-mark')]
                           .filter((g) => g.querySelector('path, rect, text, circle, line')).length
                     : 0,
        };
      }),
      rankingRows: document.querySelectorAll('table.ranking tbody tr').length,
    };
  });
  if (figures.rankingRows === 0) problems.push('the ranking table has no rows');
  if (figures.elements.length === 0) problems.push('the page has no figures');
  const ids = new Set(figures.elements.map((f) => f.id));
  for (const id of figures.listed) {
    if (!ids.has(id)) problems.push(`figure ${id} has a spec but no element`);
  }
  for (const f of figures.elements) {
    if (f.rendered !== 'true' || f.marks === 0 || f.width < 50 || f.height < 50) {
      problems.push(`figure ${f.id} (${f.title}) did not render: state ${f.rendered}, ` +
                    `${f.marks} drawn mark groups, ${Math.round(f.width)}x${Math.round(f.height)} px`);
    }
  }
  if (options.screenshots) {
    mkdirSync(options.screenshots, { recursive: true });
    const shots = [['ranking.png', 'table.ranking']];
    const curves = figures.elements.filter((f) => f.id.startsWith('fig-curve-'));
    const wanted = options.figures.length > 0
      ? options.figures.map((title) => {
        const found = curves.find((f) => f.title === title);
        if (!found) problems.push(`no figure titled "${title}" to screenshot`);
        return found;
      }).filter(Boolean)
      : curves.slice(0, 2);
    wanted.forEach((f, i) => shots.push([`figure-${i + 1}.png`, `#${f.id}`]));
    for (const [file, selector] of shots) {
      await page.locator(selector).screenshot({ path: join(options.screenshots, file) });
      console.log(`check-report: saved ${join(options.screenshots, file)} (${selector})`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`check-report: FAIL: ${problem}`);
    console.error(`check-report: ${options.report}: ${problems.length} problem(s) (${seconds} s)`);
    process.exitCode = 1;
  } else {
    console.log(`check-report: ${options.report}: ${figures.elements.length} figures rendered, ` +
                `no console error, no network request (${seconds} s)`);
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
