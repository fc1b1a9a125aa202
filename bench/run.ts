/** `npm run bench`: every benchmark of the project, one table. Not a test: it reports, it does not fail. */
import { printTable, type Row } from './lib.js';
import { validationBench } from './validation.bench.js';
import { workbenchBench } from './workbench.bench.js';
import { gitBench } from './git.bench.js';
import { figuresBench } from './figures.bench.js';
import { pdfBench } from './pdf.bench.js';
import { stallBench } from './stall.bench.js';
import { cliBench } from './cli.bench.js';
import { remoteBench } from './remote.bench.js';
import { scaleBench } from './scale.bench.js';
import { mergeBench } from './merge.bench.js';
import { cloneBench } from './clone.bench.js';
import { historyBench } from './history.bench.js';

const suites: [string, () => Promise<Row[]>][] = [
  ['validation', validationBench],
  ['workbench', workbenchBench],
  ['scale', scaleBench],
  ['git', gitBench],
  ['remote', remoteBench],
  ['figures', figuresBench],
  ['pdf', pdfBench],
  ['stall', stallBench],
  ['cli', cliBench],
  ['merge', mergeBench],
  ['clone', cloneBench],
  ['history', historyBench],
];
const only = process.argv[2];
const rows: Row[] = [];
for (const [name, run] of suites) {
  if (only && name !== only) continue;
  process.stderr.write(`running ${name}...\n`);
  rows.push(...(await run()));
}
printTable(rows);
