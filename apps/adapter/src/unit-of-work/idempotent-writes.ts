import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdempotencyConflictError } from '#handoffs';
import { UnitContext } from '../api/unit.context.js';
import { UnitOfWork } from './unit-of-work.js';

/** A write of the API as its Idempotency-Key binds it: the key, and what makes two requests the same one. */
export interface WriteRequest {
  idempotencyKey?: string;
  method: string;
  path: string;
  /** the body as the client sent it: its bytes (the HTTP API), or a value written as JSON (a caller in the process) */
  body: unknown;
}

/** What a write answered: kept as is under its Idempotency-Key, in the write's own transaction. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

/**
 * One write of the units' API with its Idempotency-Key: a retried request gets the first answer and
 * writes nothing; the same key for another request is refused (IdempotencyConflictError, 422). The
 * answer is saved in the write's unit of work, so a write that fails leaves neither rows nor answer.
 * Keys are the unit's own (IdempotencyRepository is bound to it), answers stored encrypted.
 */
@Injectable()
export class IdempotentWrites {
  constructor(
    private readonly agency: UnitContext,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async run(request: WriteRequest, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
    const key = request.idempotencyKey;
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.from(JSON.stringify(request.body) ?? '');
    const requestHash = createHash('sha256').update(`${request.method} ${request.path} `).update(bytes).digest('hex');
    if (key) {
      const replay = await this.replay(key, requestHash);
      if (replay) return replay;
    }
    try {
      const answer = await this.unitOfWork.run(async () => {
        const done = await work();
        if (key) await this.unitOfWork.store.idempotency.save(key, { requestHash, status: done.status, body: done.body });
        return done;
      });
      return { ...answer, replayed: false };
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

  private async replay(key: string, requestHash: string): Promise<(StoredAnswer & { replayed: true }) | null> {
    const stored = await this.agency.store.idempotency.find(key);
    if (!stored) return null;
    if (stored.requestHash !== requestHash) throw new IdempotencyConflictError(key);
    return { status: stored.status, body: stored.body, replayed: true };
  }
}
