import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { GroupCommit, OutboxRelay } from '#bus';
import type { UnitStore } from '#persistence';
import { UnitContext } from '../api/unit.context.js';

/** API writes per transaction at most. */
export const API_WRITE_BATCH = 16;

/** A write of the API asked for the store of its unit of work outside one: a bug, never a client's error. */
export class OutsideUnitOfWorkError extends Error {
  override readonly name = 'OutsideUnitOfWorkError';
  constructor() {
    super('no unit of work is open: a write of the API runs under @Idempotent() or UnitOfWork.run');
  }
}

/**
 * The unit of work of the units' API: one transaction whose store the write's code reads from
 * `store` (an AsyncLocalStorage holds it for the async calls of that write, so no store or closure
 * is passed down through the services). The outbox relay is nudged after the commit so the
 * messages leave at once.
 *
 * Group commit, as the inbox consumer does: writes that arrive while a transaction runs are
 * committed together in the next one (up to API_WRITE_BATCH; no waiting for company, so a lone
 * request pays nothing). A burst of requests from one unit then costs one transaction, one
 * evidence-chain lock and one commit per batch instead of one per request, and holds one pool
 * connection instead of queueing for all of them (one per request, a burst outlasts Prisma's 2 s
 * wait for a pool connection and is partly answered 503). A batch that throws (a request's 4xx, a
 * concurrent twin's unique key) is run again one write per transaction, so each request gets its
 * own answer and no request's error is another's.
 */
@Injectable()
export class UnitOfWork {
  private readonly current = new AsyncLocalStorage<UnitStore>();
  private readonly commits = new GroupCommit<() => Promise<void>>(
    (writes) =>
      this.agency.store.transaction(async (store) => {
        for (const write of writes) await this.current.run(store, write);
      }),
    (write) => this.agency.store.transaction((store) => this.current.run(store, write)),
    { maxBatch: API_WRITE_BATCH, windowMs: 0 },
  );

  constructor(
    private readonly agency: UnitContext,
    private readonly relay: OutboxRelay,
  ) {}

  /** The store of the transaction the calling write runs in. */
  get store(): UnitStore {
    const store = this.current.getStore();
    if (!store) throw new OutsideUnitOfWorkError();
    return store;
  }

  /** Runs `work` in a transaction (shared with the writes that arrived meanwhile) and resolves once it has committed. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    await this.commits.submit(async () => {
      result = { value: await work() };
    });
    this.relay.kick();
    if (!result) throw new Error('the unit of work committed without running its work');
    return result.value;
  }
}
