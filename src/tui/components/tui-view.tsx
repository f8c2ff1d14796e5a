import { Box } from 'ink';
import { assertNever } from '../../util/index.js';
import type { ViewState } from '../view-state.js';
import { Footer } from './footer.js';
import { LeafView } from './leaf-view.js';
import { LessonsView } from './lessons-view.js';
import { RunDetailView } from './run-detail-view.js';
import { RunListView } from './run-list-view.js';
import { StatusLine } from './status-line.js';

/** The whole screen for a view state: pure, so tests render it without a store or a terminal. */
export function TuiView({ state }: { readonly state: ViewState }) {
  return (
    <Box flexDirection="column">
      <ScreenBody state={state} />
      <StatusLine state={state} />
      <Footer state={state} />
    </Box>
  );
}

function ScreenBody({ state }: { readonly state: ViewState }) {
  const screen = state.screen;
  switch (screen.kind) {
    case 'list':
      return <RunListView state={state} />;
    case 'detail':
      return <RunDetailView state={state} runId={screen.runId} />;
    case 'leaf':
      return <LeafView state={state} runId={screen.runId} nodeId={screen.nodeId} />;
    case 'lessons':
      return <LessonsView state={state} />;
    default:
      return assertNever(screen);
  }
}
