import type { FrontEnd } from './compiled-workflow.js';
import { jsFrontEnd } from './js/js-front-end.js';
import { jsonFrontEnd } from './json/json-front-end.js';
import { planFrontEnd } from './plan/plan-front-end.js';
import { starlarkFrontEnd } from './starlark/starlark-front-end.js';
import { yamlFrontEnd } from './yaml/yaml-front-end.js';

/** Front-ends by file suffix; the longest matching suffix wins, so `.workflow.ts` beats `.ts`. */
const FRONT_ENDS: readonly (readonly [suffix: string, frontEnd: FrontEnd])[] = [
  ['.json', jsonFrontEnd],
  ['.yaml', yamlFrontEnd],
  ['.yml', yamlFrontEnd],
  ['.star', starlarkFrontEnd],
  ['.plan.json', planFrontEnd],
  ['.workflow.js', jsFrontEnd],
  ['.workflow.mjs', jsFrontEnd],
  ['.workflow.ts', jsFrontEnd],
  ['.workflow.mts', jsFrontEnd],
];

export function frontEndFor(file: string): FrontEnd | undefined {
  let best: (typeof FRONT_ENDS)[number] | undefined;
  for (const entry of FRONT_ENDS) if (file.endsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1];
}

export function supportedSuffixes(): string[] {
  return FRONT_ENDS.map(([suffix]) => suffix);
}
