// The OS sandbox of leaf commands: bubblewrap with a read-only root, the workspace writable only
// when the grant allows it, no network unless granted, a private /tmp, WhaleFlow's state and
// credential stores hidden. `none` exists only for an explicit --no-sandbox.
export { type SandboxMode, type CommandConfinement } from './command-sandbox.js';
export { bubblewrapArguments } from './bubblewrap-arguments.js';
export { confineCommand, type ConfineOptions } from './confine-command.js';
export { detectBubblewrap, type BubblewrapProbe } from './detect-bubblewrap.js';
export { SandboxUnavailableError, SANDBOX_REMEDY } from './sandbox-unavailable-error.js';
