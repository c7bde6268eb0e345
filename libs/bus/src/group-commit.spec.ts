import { GroupCommit, GroupCommitResultsError } from './group-commit.js';

describe('GroupCommit', () => {
  it('writes items submitted together in one batch, and resolves each after its batch committed', async () => {
    const batches: number[][] = [];
    const committed = new Set<number>();
    const group = new GroupCommit<number>(
      async (items) => {
        batches.push([...items]);
        await new Promise((r) => setTimeout(r, 5));
        for (const item of items) committed.add(item);
      },
      async () => {
        throw new Error('not used');
      },
      { maxBatch: 10, windowMs: 2 },
    );
    await Promise.all(
      [1, 2, 3, 4].map(async (item) => {
        await group.submit(item);
        expect(committed.has(item)).toBe(true);
      }),
    );
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('never puts more than maxBatch in one transaction; later arrivals form the next batch', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number>(async (items) => void batches.push([...items]), async () => undefined, { maxBatch: 3, windowMs: 0 });
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((item) => group.submit(item)));
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(3);
  });

  it('with no window, a lone item is written at once and items arriving during its transaction form the next batch', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        batches.push([...items]);
        await new Promise((r) => setTimeout(r, 20));
      },
      async () => undefined,
      { maxBatch: 10, windowMs: 0 },
    );
    const first = group.submit(1);
    expect(batches).toEqual([[1]]); // started in the same tick: no wait for company
    const later = [2, 3, 4].map((item) => group.submit(item));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('after a failed batch, writes each item alone: only the bad one fails', async () => {
    const alone: number[] = [];
    const group = new GroupCommit<number>(
      async (items) => {
        if (items.includes(2)) throw new Error('batch refused');
      },
      async (item) => {
        alone.push(item);
        if (item === 2) throw new Error('item 2 is bad');
      },
      { maxBatch: 10, windowMs: 2 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((item) => group.submit(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('item 2 is bad'));
    expect(alone).toEqual([1, 2, 3]);
  });

  it('a batch of one that fails rejects with its own error, without a second try', async () => {
    let alone = 0;
    const group = new GroupCommit<number>(
      async () => {
        throw new Error('down');
      },
      async () => void alone++,
      { maxBatch: 10, windowMs: 0 },
    );
    await expect(group.submit(1)).rejects.toThrow('down');
    expect(alone).toBe(0);
  });
});

describe('GroupCommit with a result per item', () => {
  it('gives each item the result its batch returned for it, in order, also after a fallback', async () => {
    const group = new GroupCommit<string, string>(
      async (items) => {
        if (items.includes('poison')) throw new Error('batch refused');
        return items.map((item, index) => `${item}#${index}`);
      },
      async (item) => {
        if (item === 'poison') throw new Error('poison');
        return `${item}#alone`;
      },
      { maxBatch: 10, windowMs: 2 },
    );
    expect(await Promise.all(['a', 'b', 'a'].map((item) => group.submit(item)))).toEqual(['a#0', 'b#1', 'a#2']);
    const outcomes = await Promise.allSettled(['c', 'poison', 'd'].map((item) => group.submit(item)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'c#alone' },
      { status: 'rejected', reason: new Error('poison') },
      { status: 'fulfilled', value: 'd#alone' },
    ]);
  });

  it('a batch that committed but returned the wrong number of results fails every item, and writes none again', async () => {
    let alone = 0;
    const group = new GroupCommit<number, number>(
      async (items) => items.slice(1),
      async (item) => {
        alone++;
        return item;
      },
      { maxBatch: 10, windowMs: 2 },
    );
    const outcomes = await Promise.allSettled([1, 2].map((item) => group.submit(item)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(GroupCommitResultsError);
    expect(alone).toBe(0);
  });
});
