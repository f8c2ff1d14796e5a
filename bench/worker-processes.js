// Bench support: starts `whaleflow worker` processes and resolves once each says it is ready.
import { spawn } from 'node:child_process';

/** `count` worker processes of `binary` with `workerArgs` after `worker` (and `nodeArgs` for Node itself, `env` for its environment). */
export function startWorkerProcesses(binary, count, workerArgs, nodeArgs = [], env = process.env) {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [...nodeArgs, binary, 'worker', ...workerArgs, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'], env });
      return new Promise((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          if (output.includes(' ready on ')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
      });
    }),
  );
}
