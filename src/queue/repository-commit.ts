import { runGit } from '../leaves/workspace/index.js';
import { QueueConfigurationError } from './queue-errors.js';

/** The commit a run starts from: its leaves, wherever they run, see this state of the repository. */
export async function headCommit(cwd: string): Promise<string> {
  try {
    return (await runGit(cwd, ['rev-parse', 'HEAD'])).stdout.trim();
  } catch (error) {
    throw new QueueConfigurationError(`real leaves on queue workers need a git repository with a commit; "${cwd}" has none`, { cause: error });
  }
}
