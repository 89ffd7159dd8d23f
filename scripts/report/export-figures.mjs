#!/usr/bin/env node
// Writes every figure of a scalebench report.html as a Vega-Lite spec (NAME.vl.json, data inline,
// reusable e.g. with Python's altair.Chart.from_dict) and as a static SVG (NAME.svg, rendered by
// Vega's headless toSVG, for papers). NAME is the figure's title with every run of characters
// other than letters, digits, '.', '-' and '_' replaced by '_'.
//
// Usage: node scripts/report/export-figures.mjs REPORT.html OUT_DIR
// Exit status: 0 when every figure was written, 1 when one failed, 2 on bad arguments.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const [report, outDir] = process.argv.slice(2);
if (!report || !outDir || process.argv.length > 4) {
  console.error('usage: export-figures.mjs REPORT.html OUT_DIR');
  process.exit(2);
}
const html = readFileSync(report, 'utf8');
const match = html.match(
  /<script type="application\/json" id="scalebench-figures">([\s\S]*?)<\/script>/);
if (!match) {
  console.error(`export-figures: ${report} holds no scalebench-figures block`);
  process.exit(1);
}
const figures = JSON.parse(match[1]);
mkdirSync(outDir, { recursive: true });
const started = Date.now();
let failed = 0;
for (const figure of figures) {
  const name = figure.title.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  try {
    writeFileSync(join(outDir, `${name}.vl.json`), JSON.stringify(figure.spec, null, 1) + '\n');
    const view = new vega.View(vega.parse(vegaLite.compile(figure.spec).spec), {
      renderer: 'none',
      logLevel: vega.Error,
    });
    writeFileSync(join(outDir, `${name}.svg`), await view.toSVG());
    view.finalize();
  } catch (error) {
    console.error(`export-figures: ${figure.id} (${figure.title}): ${error.message}`);
    ++failed;
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`export-figures: wrote ${figures.length - failed} of ${figures.length} figures to ` +
            `${outDir} (.vl.json and .svg, ${seconds} s)`);
process.exitCode = failed > 0 ? 1 : 0;
