import type { AgencyCode } from '#contracts';
import type { Db } from './db.js';
import type { Prisma } from './generated/prisma/client.js';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** Idempotency-Key records of the units' API, scoped per unit: two units may use the same key. */
export class IdempotencyRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: AgencyCode,
  ) {}

  async find(key: string): Promise<StoredResponse | null> {
    const row = await this.db.idempotencyRecord.findUnique({ where: { agency_key: { agency: this.agency, key } } });
    return row ? { requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody } : null;
  }

  /** Saved in the same transaction as the writes it answers for; a concurrent twin fails on the key. */
  async save(key: string, response: StoredResponse): Promise<void> {
    await this.db.idempotencyRecord.create({
      data: {
        agency: this.agency,
        key,
        requestHash: response.requestHash,
        responseStatus: response.status,
        responseBody: response.body as Prisma.InputJsonValue,
      },
    });
  }
}
