// A child process for the concurrency and crash tests: opens the project database given as
// argv[2] and, for each lesson id in argv[3..], promotes it, reverts it and promotes it again,
// printing "ready" first and "done" at the end.
import { LearningStore } from '../learning-store.js';
import { openLearningDatabase } from '../learning-database.js';

const [path, rounds, ...ids] = process.argv.slice(2);
const store = new LearningStore(openLearningDatabase(path!));
process.stdout.write('ready\n');
for (let round = 0; round < Number(rounds); round += 1) {
  for (const id of ids) {
    store.overlay.promote(id, [`round ${round}`]);
    store.overlay.revert(id, `round ${round}`);
    store.overlay.promote(id, [`round ${round} again`]);
  }
}
store.close();
process.stdout.write('done\n');
