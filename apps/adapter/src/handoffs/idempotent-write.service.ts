import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { GroupCommit, OutboxRelay } from '#bus';
import { IdempotencyConflictError } from '#handoffs';
import type { UnitStore } from '#persistence';
import { AgencyContext } from '../api/agency.context.js';
import type { ApiResult } from './api-result.js';

export interface WriteRequest {
  idempotencyKey?: string;
  method: string;
  path: string;
  body: unknown;
}

/** API writes per transaction at most. */
export const API_WRITE_BATCH = 16;

/** A write waiting for its transaction: the work, and the idempotency record to keep with its answer. */
interface PendingWrite {
  key?: string;
  requestHash: string;
  work: (store: UnitStore) => Promise<ApiResult>;
}

/**
 * Runs one write of the units' API as one unit of work, with its Idempotency-Key: a retried
 * request gets the first response and writes nothing; the same key for another request is refused.
 * The outbox relay is nudged after the commit so the messages leave at once.
 *
 * Group commit, as the inbox consumer does: writes that arrive while a transaction runs
 * are committed together in the next one (up to API_WRITE_BATCH; no waiting for company, so a lone
 * request pays nothing). A burst of requests from one unit then costs one transaction, one
 * evidence-chain lock and one commit per batch instead of one per request, and holds one pool
 * connection instead of queueing for all of them (a burst of 50 was answered 503 for 13 of them,
 * Prisma giving up its 2 s wait for a connection). A batch that throws (a request's 4xx, a
 * concurrent twin's unique key) is run again one write per transaction, so each request gets its
 * own answer and no request's error is another's.
 */
@Injectable()
export class IdempotentWriteService {
  private readonly writes = new GroupCommit<PendingWrite, ApiResult>(
    (writes) =>
      this.agency.store.transaction(async (store) => {
        const answers: ApiResult[] = [];
        for (const write of writes) answers.push(await this.write(store, write));
        return answers;
      }),
    (write) => this.agency.store.transaction((store) => this.write(store, write)),
    { maxBatch: API_WRITE_BATCH, windowMs: 0 },
  );

  constructor(
    private readonly agency: AgencyContext,
    private readonly relay: OutboxRelay,
  ) {}

  async run(request: WriteRequest, work: (store: UnitStore) => Promise<ApiResult>): Promise<ApiResult & { replayed: boolean }> {
    const key = request.idempotencyKey;
    const requestHash = createHash('sha256').update(`${request.method} ${request.path} ${JSON.stringify(request.body)}`).digest('hex');
    if (key) {
      const replay = await this.replay(key, requestHash);
      if (replay) return replay;
    }
    try {
      const result = await this.writes.submit({ key, requestHash, work });
      this.relay.kick();
      return { ...result, replayed: false };
    } catch (error) {
      // A concurrent twin committed first under the same key: answer as it did. Its write may make
      // this one fail in any way, not only on the key's unique index: a step's twin finds the step
      // already taken (409) once the first has committed, so any failure looks for the first answer
      // (the handoff's row lock orders them: the twin's transaction reads after the first's commit).
      if (key) {
        const replay = await this.replay(key, requestHash);
        if (replay) return replay;
      }
      throw error;
    }
  }

  private async write(store: UnitStore, { key, requestHash, work }: PendingWrite): Promise<ApiResult> {
    const answer = await work(store);
    if (key) await store.idempotency.save(key, { requestHash, status: answer.status, body: answer.body });
    return answer;
  }

  private async replay(key: string, requestHash: string): Promise<(ApiResult & { replayed: true }) | null> {
    const stored = await this.agency.store.idempotency.find(key);
    if (!stored) return null;
    if (stored.requestHash !== requestHash) throw new IdempotencyConflictError(key);
    return { status: stored.status, body: stored.body as Record<string, unknown>, replayed: true };
  }
}
