import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { inRepositoryQueue, runGit } from '../leaves/workspace/index.js';
import { ensureStateDirectory, isProcessAlive, subdirectories } from '../util/index.js';
import { QueueConfigurationError } from './queue-errors.js';

/** Where workers keep their checkouts, inside the clone's .whaleflow/: one directory per worker process. */
export const CHECKOUTS_DIRECTORY = join('.whaleflow', 'checkouts');

/** A commit as the run context carries it; anything else never becomes a path. */
const COMMIT = /^[0-9a-f]{40,64}$/;
/** A worker's own directory: `w-<pid>-<random>`, so a stale one can be told from anything else. */
const OWN_DIRECTORY = /^w-(\d+)-[0-9a-f]{6}$/;
const OWNER_FILE = 'owner.json';

interface Owner {
  readonly host: string;
  readonly pid: number;
}

/**
 * One worker process's detached checkouts of run base commits in its clone (`--repo`), under
 * `.whaleflow/checkouts/w-<pid>-<random>/<commit>`. A checkout is shared by the run contexts at
 * its commit and removed (with the leaf worktrees made inside it) when the last of them lets go,
 * so the worker's disk use follows its run-context cache. Each worker owns its directory: no
 * other process's leaf runs in a checkout this one removes. Every path removed is one this
 * object made, named by a commit that passed the hex check: nothing a job says can point a
 * removal elsewhere. A worker killed with -9 leaves its directory behind; the next worker on the
 * same host and clone removes it once that pid is gone.
 */
export class WorkerCheckouts {
  readonly root: string;
  private readonly held = new Map<string, { users: number; ready: Promise<string> }>();

  private constructor(
    private readonly repository: string,
    directoryName: string,
  ) {
    this.root = join(repository, CHECKOUTS_DIRECTORY, directoryName);
  }

  /** The checkouts of this process in `repository`; removes what dead workers of this host left there first. */
  static async open(repository: string, token: string): Promise<WorkerCheckouts> {
    const checkouts = new WorkerCheckouts(repository, `w-${process.pid}-${token}`);
    if (!OWN_DIRECTORY.test(`w-${process.pid}-${token}`)) throw new RangeError(`a worker's checkout token is six hex digits (got "${token}")`);
    await checkouts.removeAbandoned();
    return checkouts;
  }

  /** Commits checked out now. */
  commits(): string[] {
    return [...this.held.keys()];
  }

  /**
   * The checkout of `commit`, made on first use. A commit the clone does not have is an error
   * naming what to do, never a silent run on another state of the code.
   */
  async acquire(commit: string): Promise<string> {
    if (!COMMIT.test(commit)) throw new QueueConfigurationError(`"${commit.slice(0, 80)}" is not a commit id`);
    let entry = this.held.get(commit);
    if (!entry) {
      entry = { users: 0, ready: this.checkOut(commit) };
      this.held.set(commit, entry);
      const made = entry;
      made.ready.catch(() => {
        if (this.held.get(commit) === made) this.held.delete(commit);
      });
    }
    entry.users += 1;
    try {
      return await entry.ready;
    } catch (error) {
      entry.users -= 1;
      throw error;
    }
  }

  /** Lets go of one use of `commit`; the last one removes its checkout. */
  async release(commit: string): Promise<void> {
    const entry = this.held.get(commit);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.held.delete(commit);
    await entry.ready.then(
      () => this.remove(commit),
      () => undefined,
    );
  }

  /** Removes every checkout and the worker's directory (worker shutdown, after its leaves ended). */
  async close(): Promise<void> {
    const commits = [...this.held.keys()];
    this.held.clear();
    await Promise.all(commits.map((commit) => this.remove(commit)));
    // A worker that never checked anything out (pure-mock runs, or no git) leaves the clone's git alone.
    if (existsSync(this.root)) await removeTree(this.repository, this.root, []);
  }

  private async checkOut(commit: string): Promise<string> {
    try {
      await runGit(this.repository, ['cat-file', '-e', `${commit}^{commit}`]);
    } catch (error) {
      throw new QueueConfigurationError(`commit ${commit.slice(0, 12)} is not in ${this.repository}; fetch it there, or start the worker with --repo pointing at a clone that has it`, { cause: error });
    }
    const path = this.pathOf(commit);
    await inRepositoryQueue(this.repository, async () => {
      if (!existsSync(this.root)) {
        ensureStateDirectory(join(this.repository, '.whaleflow'));
        mkdirSync(this.root, { recursive: true });
        writeFileSync(join(this.root, OWNER_FILE), JSON.stringify({ host: hostname(), pid: process.pid } satisfies Owner));
      }
      if (existsSync(path)) rmSync(path, { recursive: true, force: true }); // half made by a failed attempt
      await runGit(this.repository, ['worktree', 'add', '--detach', '--quiet', path, commit]);
    });
    return path;
  }

  private remove(commit: string): Promise<void> {
    return removeTree(this.repository, this.pathOf(commit), [this.pathOf(commit)]);
  }

  private pathOf(commit: string): string {
    const path = join(this.root, commit);
    // The commit passed the hex check; this says so again where a path is made from it.
    if (!COMMIT.test(commit) || dirname(path) !== this.root) throw new QueueConfigurationError(`refusing a checkout path outside ${this.root}`);
    return path;
  }

  /** Directories of workers of this host whose process is gone (killed with -9): theirs to remove, now ours. */
  private async removeAbandoned(): Promise<void> {
    const parent = dirname(this.root);
    for (const name of subdirectories(parent)) {
      const match = OWN_DIRECTORY.exec(name);
      if (!match || join(parent, name) === this.root) continue;
      const owner = readOwner(join(parent, name, OWNER_FILE));
      if (!owner || owner.host !== hostname() || owner.pid !== Number(match[1]) || isProcessAlive(owner.pid)) continue;
      const directory = join(parent, name);
      await removeTree(this.repository, directory, subdirectories(directory).filter((entry) => COMMIT.test(entry)).map((entry) => join(directory, entry)));
    }
  }
}

/**
 * Unregisters the git worktrees among `worktrees`, then deletes `directory` and prunes what git
 * still lists (leaf worktrees made inside a checkout go with it).
 */
async function removeTree(repository: string, directory: string, worktrees: readonly string[]): Promise<void> {
  await inRepositoryQueue(repository, async () => {
    for (const worktree of worktrees) await runGit(repository, ['worktree', 'remove', '--force', '--force', worktree]).catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
    await runGit(repository, ['worktree', 'prune']).catch(() => undefined);
  });
}

function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    return typeof owner.host === 'string' && typeof owner.pid === 'number' ? { host: owner.host, pid: owner.pid } : undefined;
  } catch {
    return undefined;
  }
}
