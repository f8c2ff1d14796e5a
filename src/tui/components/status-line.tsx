import { Text } from 'ink';
import type { ViewState } from '../view-state.js';
import { escapeTerminalLine as line } from '../../util/index.js';
import { fitText } from './node-facts.js';

/** The one line for prompts and outcomes: a y/n confirmation, the filter being typed, a message or an error. */
export function StatusLine({ state }: { readonly state: ViewState }) {
  if (state.confirmation) {
    const { runId, nodeId } = state.confirmation;
    const target = nodeId ? `node ${line(nodeId)} of run ${line(runId.slice(0, 8))}` : `run ${line(runId.slice(0, 8))}`;
    return (
      <Text color="yellow" bold>
        Cancel {target}? (y/n)
      </Text>
    );
  }
  if (state.lessonConfirmation) {
    const { action, lessonId, title } = state.lessonConfirmation;
    return (
      <Text color="yellow" bold wrap="truncate">
        {fitText(`${action === 'promote' ? 'Promote' : 'Revert'} lesson ${lessonId.slice(0, 12)} "${line(title)}" ${action === 'promote' ? 'into' : 'out of'} the overlay? (y/n)`, state.columns)}
      </Text>
    );
  }
  if (state.filtering) return <Text color="cyan">/{line(state.filter)}▏ (Enter keep · Esc clear)</Text>;
  if (state.error) return <Text color="red">{fitText(state.error, state.columns)}</Text>;
  if (state.message) return <Text color="green">{fitText(state.message, state.columns)}</Text>;
  return <Text> </Text>;
}
