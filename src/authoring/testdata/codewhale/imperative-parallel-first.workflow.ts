// The first workflow call is a parallel fan-out of task thunks.
export default async (args: { paths?: string[] }) => {
  const results = await parallel([
    () => task({ prompt: 'Map the storage layer', label: 'Scout Storage', type: 'explore' }),
    () => task({ prompt: 'Map the HTTP layer', label: 'Scout HTTP', type: 'explore' }),
    () => task({ prompt: 'Map the CLI', label: 'Scout CLI', type: 'explore' }),
  ]);
  return results.filter((result) => result !== null);
};
