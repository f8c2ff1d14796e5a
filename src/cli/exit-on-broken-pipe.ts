/**
 * `whaleflow ps | head -1`: once the reader has gone, writing to stdout fails with EPIPE,
 * which Node reports as an 'error' event nobody handles, crashing with a stack trace. Nothing
 * more can be shown anyway, so the process ends quietly, as Unix tools do. Installed once per
 * process, for stdout and stderr; any other stream error is not ours to hide.
 */
let installed = false;

export function exitQuietlyOnBrokenPipe(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  if (installed) return;
  installed = true;
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}
