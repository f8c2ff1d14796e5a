// Start-up of the `whaleflow` command, spawn to exit: `whaleflow starlark` on an empty file
// (issue #15: at most 0.1 s) and `whaleflow --version` (the floor of every other command), each
// paired with `node -e 0` in the same run, since Node's own start is most of it and varies with
// the machine's load. Measured in this process's environment and, when NODE_EXTRA_CA_CERTS is
// set, once more without it: Node reads and parses that certificate file at every start
// (~60 ms on the development machines), before any WhaleFlow code runs.
//   node bench/run.js start        (after npm run build)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairedRuns, root, timingNote } from './starlark-side-by-side.js';

const PAIRS = 11;

export async function run() {
  const folder = mkdtempSync(join(tmpdir(), 'whaleflow-bench-start-'));
  try {
    const empty = join(folder, 'empty.star');
    writeFileSync(empty, '');
    const environments = [{ label: '', env: process.env }];
    if (process.env.NODE_EXTRA_CA_CERTS) {
      const { NODE_EXTRA_CA_CERTS: _ignored, ...withoutCertificates } = process.env;
      environments.push({ label: ' (without NODE_EXTRA_CA_CERTS)', env: withoutCertificates });
    }
    return environments.flatMap(({ label, env }) => startRows(empty, label, env));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function startRows(empty, label, env) {
  const node = { command: process.execPath, args: ['-e', '0'], env };
  const whaleflow = (...args) => ({ command: process.execPath, args: [join(root, 'bin/whaleflow.js'), ...args], env });
  const starlark = pairedRuns(whaleflow('starlark', empty), node, PAIRS);
  const version = pairedRuns(whaleflow('--version'), node, PAIRS);
  const ms = (seconds) => Math.round(seconds * 10000) / 10;
  const cpu = (runs) => (runs.cpuRatio === undefined ? '' : `; cpu ratio ${runs.cpuRatio.toFixed(2)}`);
  return [
    { bench: 'start', metric: `node -e 0${label}, wall`, value: ms(starlark.b.wall), unit: 'ms', note: `${timingNote}; the start any Node command pays` },
    {
      bench: 'start',
      metric: `whaleflow starlark on an empty file${label}, wall`,
      value: ms(starlark.a.wall),
      unit: 'ms',
      ratio: starlark.wallRatio,
      floor: 'node -e 0',
      target: '<= 100 ms',
      note: `median of ${PAIRS} pairs with node -e 0${cpu(starlark)}`,
    },
    { bench: 'start', metric: `whaleflow --version${label}, wall`, value: ms(version.a.wall), unit: 'ms', ratio: version.wallRatio, floor: 'node -e 0', note: `median of ${PAIRS} pairs with node -e 0${cpu(version)}` },
  ];
}
