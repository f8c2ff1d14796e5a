#!/usr/bin/env node
// Runs every bench/*.bench.js (or those named on the command line), prints one table and
// saves the figures as JSON under bench/results/. Benchmarks import the compiled dist/.
//
// A bench module exports `async function run()` returning rows:
//   { bench, metric, value, unit, target?, note?, floor?, ms? }
// `target` is a human-readable goal such as ">= 50000"; it is reported, never asserted.
// A row that names a `floor` (see plain-js-floor.js) and gives its time in `ms` is also shown as
// a ratio to that plain-JS floor, measured first in this same process: absolute figures on a
// shared machine vary two- or threefold from hour to hour, ratios much less.
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { measureFloors } from './plain-js-floor.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.js'))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.includes(w)))
  .sort();

const rows = [];
process.stderr.write('measuring the plain-JS floor…\n');
const floors = await measureFloors();
for (const [name, floor] of Object.entries(floors)) {
  rows.push({ bench: 'floor', metric: `plain JS: ${floor.label}`, value: floor.ms, unit: 'ms', ratio: 1, floor: name, ms: floor.ms, note: 'N async functions under a semaphore (plain-js-floor.js); the 1× of every ratio' });
}
for (const file of files) {
  const module = await import(pathToFileURL(join(here, file)).href);
  process.stderr.write(`running ${file}…\n`);
  const result = await module.run();
  for (const row of result) {
    const floor = row.floor !== undefined ? floors[row.floor] : undefined;
    rows.push(floor && typeof row.ms === 'number' && row.ratio === undefined ? { ...row, ratio: row.ms / floor.ms } : row);
  }
}

const columns = ['bench', 'metric', 'value', 'unit', 'ratio', 'target', 'note'];
const text = (row, column) => {
  const value = row[column];
  if (value === undefined || value === null) return '';
  if (column === 'ratio' && typeof value === 'number') return `${value.toFixed(value < 10 ? 2 : 1)}× ${row.floor ?? ''}`.trimEnd();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return String(value);
};
const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => text(row, column).length)));
const line = (cells) => cells.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd();
console.log(line(columns));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(columns.map((column) => text(row, column))));

const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100) };
mkdirSync(join(here, 'results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = join(here, 'results', `bench-${stamp}.json`);
writeFileSync(out, JSON.stringify({ machine, floors, rows }, null, 2) + '\n');
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify({ machine, floors, rows }, null, 2) + '\n');
console.log(`\nsaved ${out}`);
