import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { MemoryOperationError, type MemoryLoadRequest } from '../engine/index.js';
import { matchesGlob } from '../util/index.js';
import { runLeafCommand, type CommandSandboxSettings } from '../leaves/index.js';
import { openWorkspace, walkFiles } from '../leaves/workspace/index.js';

export interface LoadSettings {
  /** The workspace root files are read from and commands run in. */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly maxBytes: number;
  readonly commandTimeoutMs: number;
  /** The project's state directory (`.whaleflow`, or WHALEFLOW_HOME): never read, wherever it is. */
  readonly stateDirectory: string;
  readonly maxFiles?: number;
  /**
   * How a context's command is confined: like every leaf command (bubblewrap, read-only, no
   * network unless granted, WhaleFlow's state hidden). Default bubblewrap with the state
   * directory hidden; only the user's --no-sandbox chooses `none`.
   */
  readonly sandbox?: CommandSandboxSettings;
}

export interface LoadedText {
  readonly text: string;
  readonly files?: readonly { path: string; bytes: number; line: number }[];
}

/** Files WhaleFlow itself reads: never loadable, whatever the globs say. */
const PROTECTED_FILE = /(^|\/)whaleflow\.config\.yaml$/;
const DEFAULT_MAX_FILES = 10_000;

/**
 * Reads a context's source (the document source is the store's, handled by the caller). Files
 * come in path order, each after a `==> path <==` header line so the text says where it is; only
 * files inside the node's file_scope, never WhaleFlow's or git's state, never through symlinks.
 */
export async function readSource(request: MemoryLoadRequest, settings: LoadSettings, signal: AbortSignal): Promise<LoadedText> {
  const limit = request.maxBytes ?? settings.maxBytes;
  const { source } = request;
  if (source.files !== undefined) return readFiles(source.files, request.fileScope, settings, limit, signal);
  if (source.command !== undefined) return { text: await readCommand(source.command, request.allowNetwork, settings, limit, signal) };
  if (source.node !== undefined) {
    if (request.nodeOutput === null || request.nodeOutput === undefined) throw new MemoryOperationError(`node "${source.node}" produced no output to load`);
    checkSize(Buffer.byteLength(request.nodeOutput), limit);
    return { text: request.nodeOutput };
  }
  throw new MemoryOperationError('a document source is read from the store');
}

async function readFiles(globs: readonly string[], fileScope: readonly string[], settings: LoadSettings, limit: number, signal: AbortSignal): Promise<LoadedText> {
  const maxFiles = settings.maxFiles ?? DEFAULT_MAX_FILES;
  const { files, truncated } = await walkFiles(settings.root, '.', { fileScope, limit: maxFiles * 4 });
  const state = stateDirectoryInside(settings.root, settings.stateDirectory);
  const chosen = files.filter((path) => globs.some((glob) => matchesGlob(path, glob)) && !PROTECTED_FILE.test(path) && !(state && (path === state || path.startsWith(`${state}/`))));
  if (chosen.length === 0) throw new MemoryOperationError(`no readable file matches ${globs.join(', ')}${fileScope.length > 0 ? ` inside the file_scope ${fileScope.join(', ')}` : ''}`);
  if (chosen.length > maxFiles || truncated) throw new MemoryOperationError(`more than ${maxFiles} files match ${globs.join(', ')}; narrow the globs`);
  const parts: string[] = [];
  const table: { path: string; bytes: number; line: number }[] = [];
  let bytes = 0;
  let line = 1;
  for (const path of chosen) {
    signal.throwIfAborted();
    const content = await readFile(resolve(settings.root, path), 'utf8');
    if (content.includes('\u0000')) continue; // binary: not text a model can read
    const body = content.endsWith('\n') || content.length === 0 ? content : `${content}\n`;
    const header = `==> ${path} <==\n`;
    bytes += Buffer.byteLength(header) + Buffer.byteLength(body);
    checkSize(bytes, limit);
    table.push({ path, bytes: Buffer.byteLength(content), line });
    parts.push(header, body);
    line += 1 + countNewlines(body);
  }
  if (table.length === 0) throw new MemoryOperationError(`the files matching ${globs.join(', ')} are all binary`);
  return { text: parts.join(''), files: table };
}

async function readCommand(command: string, allowNetwork: boolean, settings: LoadSettings, limit: number, signal: AbortSignal): Promise<string> {
  const sandbox = settings.sandbox ?? { mode: 'bubblewrap', protectedPaths: [resolve(settings.stateDirectory)] };
  const protectedPaths = [...sandbox.protectedPaths, resolve(settings.stateDirectory)];
  // Loading only reads: the command sees the tree read-only, whatever the node may write.
  const workspace = await openWorkspace({ cwd: settings.root, isolation: 'shared', runId: 'memory', leafId: 'memory', protectedPaths });
  const outcome = await runLeafCommand({
    command,
    workspace,
    permissions: { allowWrite: false, allowNetwork, allowedTools: [], fileScope: [], allowedCommands: [command], isolation: 'shared' },
    env: settings.env,
    timeoutMs: settings.commandTimeoutMs,
    signal,
    sandbox: { ...sandbox, protectedPaths },
    maxCapturedChars: limit + 1,
  });
  signal.throwIfAborted();
  if (outcome.timedOut) throw new MemoryOperationError(`"${command}" timed out after ${settings.commandTimeoutMs} ms`);
  if (outcome.exitCode !== 0) {
    const tail = outcome.stderr.trim().split('\n').slice(-5).join('\n');
    throw new MemoryOperationError(`"${command}" exited with ${outcome.exitCode}${tail ? `: ${tail}` : ''}`);
  }
  if (outcome.overflowed) throw new MemoryOperationError(`"${command}" printed more than ${limit} bytes (max_bytes)`);
  checkSize(Buffer.byteLength(outcome.stdout), limit);
  return outcome.stdout;
}

function checkSize(bytes: number, limit: number): void {
  if (bytes > limit) throw new MemoryOperationError(`the context is larger than ${limit} bytes (raise max_bytes on the node or memory.max_context_bytes)`);
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

/** The state directory as a workspace-relative path, when it lies inside the workspace. */
function stateDirectoryInside(root: string, stateDirectory: string): string | undefined {
  const path = relative(resolve(root), resolve(stateDirectory));
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return path === '' ? '.' : undefined;
  return path.split('\\').join('/');
}
