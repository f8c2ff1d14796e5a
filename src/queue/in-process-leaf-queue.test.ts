import { InProcessLeafQueue } from './in-process-leaf-queue.js';
import { describeLeafQueueConformance } from './testing/index.js';

describeLeafQueueConformance('in-process', {
  async open({ runner, ceiling }) {
    const queue = new InProcessLeafQueue({ runnerFor: () => runner, ...(ceiling ? { ceiling } : {}) });
    return { queue, runContext: 'context-1', close: () => queue.close() };
  },
});
