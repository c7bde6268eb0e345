import { Injectable } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import type { Prisma } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** Idempotency-Key records of the units' API, scoped per unit: two units may use the same key. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(agency: AgencyCode, key: string): Promise<StoredResponse | null> {
    const row = await this.prisma.idempotencyRecord.findUnique({ where: { agency_key: { agency, key } } });
    return row ? { requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody } : null;
  }

  /** Saved in the same transaction as the writes it answers for; a concurrent twin fails on the key. */
  async save(tx: Tx, agency: AgencyCode, key: string, response: StoredResponse): Promise<void> {
    await tx.idempotencyRecord.create({
      data: {
        agency,
        key,
        requestHash: response.requestHash,
        responseStatus: response.status,
        responseBody: response.body as Prisma.InputJsonValue,
      },
    });
  }
}
