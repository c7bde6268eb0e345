/**
 * Group commit for a consumer: jobs handled concurrently by one worker are written in one
 * transaction instead of one each. `submit` resolves once the transaction holding the item has
 * committed, so a job completes only after its write is durable, as before. A batch that fails is
 * run again item by item, each in its own transaction, so one bad message (a permanent failure, a
 * deadlock with another replica) fails only its own job, never the ones it was batched with.
 *
 * Each item gets its own result (R): the batch's writer returns one per item, in the items' order
 * (an inbox consumer's "processed" or "duplicate" for each message). With R = void it may return
 * nothing.
 */
export interface GroupCommitOptions {
  /** at most this many items per transaction */
  maxBatch: number;
  /** when a batch is not full, wait this long for more to arrive (0: take what is waiting) */
  windowMs: number;
}

/** What a batch's writer returns: one result per item, or nothing when there are no results. */
export type BatchResults<R> = [R] extends [void] ? readonly R[] | void : readonly R[];

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** The batch writer returned a number of results other than its number of items: a bug, not a bad item. */
export class GroupCommitResultsError extends Error {
  override readonly name = 'GroupCommitResultsError';
  constructor(items: number, results: number) {
    super(`a batch of ${items} items returned ${results} results`);
  }
}

export class GroupCommit<T, R = void> {
  private readonly waiting: Waiting<T, R>[] = [];
  private running = false;

  constructor(
    /** writes a batch in one transaction; returns each item's result in the items' order */
    private readonly commitBatch: (items: readonly T[]) => Promise<BatchResults<R>>,
    /** writes one item in its own transaction (after a batch failed) */
    private readonly commitOne: (item: T) => Promise<R>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
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

  private async commit(batch: Waiting<T, R>[]): Promise<void> {
    let results: readonly R[] | void;
    try {
      results = await this.commitBatch(batch.map((waiting) => waiting.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const waiting of batch) {
        await this.commitOne(waiting.item).then(waiting.resolve, waiting.reject);
      }
      return;
    }
    // The batch has committed: writing its items again would not be a retry but a second write,
    // so a wrong count of results fails every job (their redelivery meets the writes, idempotent).
    if (results && results.length !== batch.length) {
      const error = new GroupCommitResultsError(batch.length, results.length);
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve((results ? results[index] : undefined) as R));
  }
}
