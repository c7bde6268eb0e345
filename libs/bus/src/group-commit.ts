/**
 * Group commit for a consumer (issue 13): jobs handled concurrently by one worker are written in one
 * transaction instead of one each. `submit` resolves once the transaction holding the item has
 * committed, so a job completes only after its write is durable, as before. A batch that fails is
 * run again item by item, each in its own transaction, so one bad message (a permanent failure, a
 * deadlock with another replica) fails only its own job, never the ones it was batched with.
 */
export interface GroupCommitOptions {
  /** at most this many items per transaction */
  maxBatch: number;
  /** when a batch is not full, wait this long for more to arrive (0: take what is waiting) */
  windowMs: number;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T> {
  private readonly waiting: Waiting<T>[] = [];
  private running = false;

  constructor(
    /** writes a batch in one transaction */
    private readonly commitBatch: (items: readonly T[]) => Promise<void>,
    /** writes one item in its own transaction (after a batch failed) */
    private readonly commitOne: (item: T) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** One batch at a time: items arriving while a transaction runs form the next batch. */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        if (this.waiting.length < this.options.maxBatch && this.options.windowMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, this.options.windowMs));
        }
        const batch = this.waiting.splice(0, this.options.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Waiting<T>[]): Promise<void> {
    try {
      await this.commitBatch(batch.map((waiting) => waiting.item));
      for (const waiting of batch) waiting.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
    }
    for (const waiting of batch) {
      await this.commitOne(waiting.item).then(waiting.resolve, waiting.reject);
    }
  }
}
