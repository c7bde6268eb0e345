import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { adapterConfig, type AdapterSettings } from '#config';
import { IdempotencyRepository, isUniqueViolation, PrismaService, type Tx } from '#persistence';
import { OutboxRelay } from '#bus';
import type { ApiResult } from './api-result.js';
import { IdempotencyConflictError } from './handoff.errors.js';

export interface WriteRequest {
  idempotencyKey?: string;
  method: string;
  path: string;
  body: unknown;
}

/**
 * Runs one write of the units' API in one transaction, with its Idempotency-Key: a retried
 * request gets the first response and writes nothing; the same key for another request is refused.
 * The outbox relay is nudged after the commit so the messages leave at once.
 */
@Injectable()
export class IdempotentWriteService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly idempotency: IdempotencyRepository,
    private readonly relay: OutboxRelay,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
  ) {}

  async run(request: WriteRequest, work: (tx: Tx) => Promise<ApiResult>): Promise<ApiResult & { replayed: boolean }> {
    const agency = this.settings.agency;
    const key = request.idempotencyKey;
    const requestHash = createHash('sha256').update(`${request.method} ${request.path} ${JSON.stringify(request.body)}`).digest('hex');
    if (key) {
      const replay = await this.replay(key, requestHash);
      if (replay) return replay;
    }
    try {
      const result = await this.prisma.$transaction(async (tx) => {
        const answer = await work(tx);
        if (key) await this.idempotency.save(tx, agency, key, { requestHash, status: answer.status, body: answer.body });
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
    const stored = await this.idempotency.find(this.settings.agency, key);
    if (!stored) return null;
    if (stored.requestHash !== requestHash) throw new IdempotencyConflictError(key);
    return { status: stored.status, body: stored.body as Record<string, unknown>, replayed: true };
  }
}
