import type { FrontEnd } from './compiled-workflow.js';
import { jsonFrontEnd } from './json/json-front-end.js';
import { yamlFrontEnd } from './yaml/yaml-front-end.js';

/**
 * A front-end loaded on first use: the `.workflow.js` reader pulls in the TypeScript parser
 * (~0.5 s to load), which `whaleflow check foo.yaml` should never pay for.
 */
function lazy(load: () => Promise<FrontEnd>): FrontEnd {
  let loaded: Promise<FrontEnd> | undefined;
  return async (file, text, source) => {
    loaded ??= load();
    return (await loaded)(file, text, source);
  };
}

const starlarkFrontEnd = lazy(async () => (await import('./starlark/starlark-front-end.js')).starlarkFrontEnd);
const planFrontEnd = lazy(async () => (await import('./plan/plan-front-end.js')).planFrontEnd);
const jsFrontEnd = lazy(async () => (await import('./js/js-front-end.js')).jsFrontEnd);

/** A model-generated plan file: its commands are model output, never authority. */
export const GENERATED_PLAN_SUFFIX = '.plan.json';

export function isGeneratedPlanFile(file: string): boolean {
  return file.endsWith(GENERATED_PLAN_SUFFIX);
}

/** Front-ends by file suffix; the longest matching suffix wins, so `.workflow.ts` beats `.ts`. */
const FRONT_ENDS: readonly (readonly [suffix: string, frontEnd: FrontEnd])[] = [
  ['.json', jsonFrontEnd],
  ['.yaml', yamlFrontEnd],
  ['.yml', yamlFrontEnd],
  ['.star', starlarkFrontEnd],
  [GENERATED_PLAN_SUFFIX, planFrontEnd],
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
