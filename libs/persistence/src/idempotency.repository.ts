import type { UnitCode } from '#contracts';
import { isCiphertext } from '#security';
import type { Db } from './db.js';
import type { FieldProtection } from './field-protection.js';
import type { Prisma } from './generated/prisma/client.js';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** How an answer is kept when field encryption is on: one ciphertext of the whole body. */
interface SealedBody {
  sealed: string;
}

function isSealed(body: unknown): body is SealedBody {
  return typeof body === 'object' && body !== null && isCiphertext((body as { sealed?: unknown }).sealed);
}

/**
 * Idempotency-Key records of the units' API, scoped per unit: two units may use the same key. The
 * answer is kept to be replayed, and an answer may quote what a unit wrote of a person (a measure's
 * note, the texts a visit forwarded): it is kept encrypted, bound to its unit and key (第二十四条).
 */
export class IdempotencyRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
    private readonly protection: FieldProtection,
  ) {}

  private boundTo(key: string): string {
    return `idempotency:${this.agency}:${key}`;
  }

  async find(key: string): Promise<StoredResponse | null> {
    const row = await this.db.idempotencyRecord.findUnique({ where: { agency_key: { agency: this.agency, key } } });
    if (!row) return null;
    const body = isSealed(row.responseBody) ? await this.protection.openValue(this.boundTo(key), row.responseBody.sealed) : row.responseBody;
    return { requestHash: row.requestHash, status: row.responseStatus, body };
  }

  /** Saved in the same transaction as the writes it answers for; a concurrent twin fails on the key. */
  async save(key: string, response: StoredResponse): Promise<void> {
    const body: unknown = this.protection.enabled ? { sealed: await this.protection.sealValue(this.boundTo(key), response.body) } : response.body;
    await this.db.idempotencyRecord.create({
      data: {
        agency: this.agency,
        key,
        requestHash: response.requestHash,
        responseStatus: response.status,
        responseBody: body as Prisma.InputJsonValue,
      },
    });
  }
}
