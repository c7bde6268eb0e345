import { keepSeedNodeName } from './queue-backend.js';

describe('the Redis Cluster seed nodes’ names', () => {
  it('are kept as they are, at once: each node’s own connection resolves its name', () => {
    const answers: unknown[][] = [];
    keepSeedNodeName('redis-c1', (...answer) => answers.push(answer));
    expect(answers).toEqual([[null, 'redis-c1']]);
  });
});
