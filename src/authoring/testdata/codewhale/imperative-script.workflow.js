// A top-level script: no function, the workflow calls run as the file loads.
export const meta = { name: 'triage', description: 'Read the logs, then summarise' };

const logs = await agent('Read the CI logs and list the failing jobs', { label: 'log-reader' });
phase('Summarise');
await agent('Summarise: ' + logs.output, { label: 'summariser' });
