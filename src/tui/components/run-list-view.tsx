import { Box, Text } from 'ink';
import { groupOfRun, renderRunLine, type RunGroupName } from '../../runs/index.js';
import { bodyHeight, listCursorIndex, selectListRuns, visibleWindow } from '../select-view.js';
import type { ViewState } from '../view-state.js';
import { escapeTerminalLine as line } from '../../util/index.js';
import { fitText } from './node-facts.js';
import { TextBlock } from './text-block.js';

/** Bold cyan group titles, drawn inside the one text block. */
const GROUP_TITLE_ON = '\x1b[1m\x1b[36m';
const GROUP_TITLE_OFF = '\x1b[39m\x1b[22m';

const GROUP_TITLES: Readonly<Record<RunGroupName, string>> = { running: 'Running', needs_attention: 'Needs attention', done: 'Done' };

/** The run list: grouped like ps, windowed to the terminal, the cursor row inverted. */
export function RunListView({ state }: { readonly state: ViewState }) {
  const runs = selectListRuns(state);
  if (runs.length === 0) {
    return (
      <Box flexDirection="column">
        <Text bold>WhaleFlow — runs</Text>
        <Text dimColor>{state.filter ? `No runs match "${line(state.filter)}".` : 'No runs yet. Start one with `whaleflow run FILE --background`.'}</Text>
      </Box>
    );
  }
  const cursor = listCursorIndex(state, runs);
  // Group titles take up to three rows of the window.
  const window = visibleWindow(runs.length, cursor, Math.max(1, bodyHeight(state) - 3));
  const lines: { key: string; text: string; selected: boolean; title: boolean }[] = [];
  let previousGroup: RunGroupName | undefined;
  for (let index = window.start; index < window.end; index += 1) {
    const run = runs[index]!;
    const group = groupOfRun(run);
    if (group !== previousGroup) lines.push({ key: `group-${group}`, text: GROUP_TITLES[group], selected: false, title: true });
    previousGroup = group;
    lines.push({ key: run.runId, text: `${index === cursor ? '›' : ' '} ${renderRunLine(run)}`, selected: index === cursor, title: false });
  }
  return (
    <Box flexDirection="column">
      <Text bold>
        WhaleFlow — runs ({runs.length}){state.filter ? ` matching "${line(state.filter)}"` : ''}
      </Text>
      <TextBlock lines={lines.map((line) => ({ text: line.title ? `${GROUP_TITLE_ON}${line.text}${GROUP_TITLE_OFF}` : fitText(line.text, state.columns - 1), selected: line.selected }))} />
    </Box>
  );
}
