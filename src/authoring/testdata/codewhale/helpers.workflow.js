// Prompt snippets shared by other workflow files; not a workflow itself.
export const REVIEW_RUBRIC = 'Correctness first, then clarity.';
export function reviewPrompt(path) {
  return `Review ${path} against the rubric: ${REVIEW_RUBRIC}`;
}
