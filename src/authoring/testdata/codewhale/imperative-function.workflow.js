/**
 * An imperative workflow in CodeWhale's style: code that runs in a VM and calls the workflow
 * API. WhaleFlow refuses it (it never executes workflow code).
 */
export default async function (args) {
  const focus = args?.focus ?? 'correctness';
  phase('Review');
  const reviews = await parallel([
    () => task({ description: 'Review the diff for ' + focus, label: 'reviewer-a', type: 'review' }),
    () => task({ description: 'Review the tests', label: 'reviewer-b', type: 'review' }),
  ]);
  phase('Merge');
  return task({ description: 'Merge the reviews: ' + JSON.stringify(reviews), label: 'merger', type: 'general' });
}
