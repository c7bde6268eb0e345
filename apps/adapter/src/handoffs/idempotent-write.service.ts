import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { OutboxRelay } from '#bus';
import { IdempotencyConflictError } from '#handoffs';
import { isUniqueViolation, type UnitStore } from '#persistence';
import { AgencyContext } from '../api/agency.context.js';
import type { ApiResult } from './api-result.js';

export interface WriteRequest {
  idempotencyKey?: string;
  method: string;
  path: string;
  body: unknown;
}

/**
 * Runs one write of the units' API as one unit of work, with its Idempotency-Key: a retried
 * request gets the first response and writes nothing; the same key for another request is refused.
 * The outbox relay is nudged after the commit so the messages leave at once.
 */
@Injectable()
export class IdempotentWriteService {
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
      const result = await this.agency.store.transaction(async (store) => {
        const answer = await work(store);
        if (key) await store.idempotency.save(key, { requestHash, status: answer.status, body: answer.body });
        return answer;
      });
      this.relay.kick();
      return { ...result, replayed: false };
    } catch (error) {
      // A concurrent twin committed first under the same key: answer as it did.
      if (key && isUniqueViolation(error)) {
        const replay = await this.replay(key, requestHash);
        if (replay) return replay;
      }
      throw error;
    }
  }

  private async replay(key: string, requestHash: string): Promise<(ApiResult & { replayed: true }) | null> {
    const stored = await this.agency.store.idempotency.find(key);
    if (!stored) return null;
    if (stored.requestHash !== requestHash) throw new IdempotencyConflictError(key);
    return { status: stored.status, body: stored.body as Record<string, unknown>, replayed: true };
  }
}
