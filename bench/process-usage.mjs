// Preloaded into a benchmarked process (`node --import ./bench/process-usage.mjs …`): at exit it
// writes the process's own peak RSS (every thread, the trace writer's included) and CPU time to
// the file named by $WHALEFLOW_BENCH_USAGE, so a bench learns them without /usr/bin/time.
import { writeFileSync } from 'node:fs';

const file = process.env.WHALEFLOW_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
