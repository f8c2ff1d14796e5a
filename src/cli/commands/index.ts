import type { CommandFactory } from '../command-registry.js';

/**
 * Every CLI command, in the order `whaleflow --help` lists them; one file per command. Each is
 * loaded only when it runs, so `whaleflow check` does not pay for the engine, the providers'
 * SDKs or the terminal UI.
 */
export interface CommandEntry {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly load: () => Promise<CommandFactory>;
}

export const commandEntries: readonly CommandEntry[] = [
  { name: 'compile', load: async () => (await import('./compile-command.js')).compileCommand },
  { name: 'check', load: async () => (await import('./check-command.js')).checkCommand },
  { name: 'graph', load: async () => (await import('./graph-command.js')).graphCommand },
  { name: 'starlark', load: async () => (await import('./starlark-command.js')).starlarkCommand },
  { name: 'run', load: async () => (await import('./run-command.js')).runCommand },
  { name: 'ps', aliases: ['workflows'], load: async () => (await import('./ps-command.js')).psCommand },
  { name: 'tui', load: async () => (await import('./tui-command.js')).tuiCommand },
  { name: 'cancel', load: async () => (await import('./cancel-command.js')).cancelCommand },
  { name: 'inspect', load: async () => (await import('./inspect-command.js')).inspectCommand },
  { name: 'report', load: async () => (await import('./report-command.js')).reportCommand },
  { name: 'export', load: async () => (await import('./export-command.js')).exportCommand },
  { name: 'blob', load: async () => (await import('./blob-command.js')).blobCommand },
  { name: 'replay', load: async () => (await import('./replay-command.js')).replayCommand },
  { name: 'resume', load: async () => (await import('./resume-command.js')).resumeCommand },
  { name: 'apply', load: async () => (await import('./apply-command.js')).applyCommand },
  { name: 'init', load: async () => (await import('./init-command.js')).initCommand },
  { name: 'providers', load: async () => (await import('./providers-command.js')).providersCommand },
  { name: 'memo', load: async () => (await import('./memo-command.js')).memoCommand },
  { name: 'learn', load: async () => (await import('./learn-command.js')).learnCommand },
  { name: 'overlay', load: async () => (await import('./overlay-command.js')).overlayCommand },
  { name: 'worker', load: async () => (await import('./worker-command.js')).workerCommand },
  { name: 'workers', load: async () => (await import('./workers-command.js')).workersCommand },
  { name: 'janitor', load: async () => (await import('./janitor-command.js')).janitorCommand },
  { name: 'pin', load: async () => (await import('./pin-command.js')).pinCommand },
  { name: 'memory', load: async () => (await import('./memory-command.js')).memoryCommand },
];
