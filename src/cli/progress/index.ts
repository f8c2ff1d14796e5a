// Foreground progress for `whaleflow run`: a live block on a TTY, plain lines otherwise.
export { RunProgress, type ProgressOutput, type RunProgressOptions } from './run-progress.js';
export { renderProgressBlock, progressBar, MAX_LISTED_RUNNING } from './render-progress-block.js';
