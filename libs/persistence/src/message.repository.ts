import { type UnitCode, type AnyEnvelope, type MessageType, queueOf } from '#contracts';
import type { Db } from './db.js';
import { fromDb, toDb } from './db-enums.js';
import type { Message, Prisma } from './generated/prisma/client.js';
import type { FieldProtection } from './field-protection.js';
import { type MessageSigner, signEnvelope } from '#security';

/** A unit's messages: written with their outbox rows, in the scope's transaction, or not at all. */
export class MessageRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
    private readonly protection: FieldProtection,
    private readonly signer: MessageSigner | null = null,
  ) {}

  /** The messages a transition caused, and one outbox row each, in two statements. */
  async append(envelopes: readonly AnyEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const foreign = envelopes.find((envelope) => envelope.from !== this.agency);
    if (foreign) throw new Error(`${this.agency} cannot write a message from ${foreign.from}`);
    // Citizen fields encrypted one by one, bound to the handoff, under a content key sealed to the
    // sender and the recipient only (第二十四条): no other unit's key opens it.
    const sealed = await Promise.all(envelopes.map((envelope) => this.protection.sealShared(envelope.handoffId, envelope.payload, [envelope.from, envelope.to])));
    await this.db.message.createMany({
      data: envelopes.map((envelope, index) => ({
        id: envelope.id,
        type: envelope.type,
        schemaVersion: envelope.schemaVersion,
        fromAgency: envelope.from,
        toAgency: envelope.to,
        handoffId: envelope.handoffId,
        caseRef: envelope.caseRef,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        occurredAt: new Date(envelope.occurredAt),
        priority: toDb(envelope.priority),
        payload: sealed[index].value as unknown as Prisma.InputJsonValue,
        dataKeyId: sealed[index].dataKeyId,
        keyWraps: sealed[index].keyWraps,
        // The sender signs the envelope as written, its plain payload hashed.
        signature: this.signer ? signEnvelope(this.signer, envelope) : null,
      })),
    });
    await this.db.outboxEntry.createMany({
      data: envelopes.map((envelope) => ({ messageId: envelope.id, fromAgency: this.agency, queue: queueOf(envelope) })),
    });
  }

  /**
   * A message addressed to this unit with its sender's signature, for the receiver to verify
   * before it records anything; the payload decrypted (a ciphertext that does not decrypt throws).
   */
  async findReceived(messageId: string): Promise<{ envelope: AnyEnvelope; signature: string | null } | null> {
    const row = await this.db.message.findFirst({ where: { id: messageId, toAgency: this.agency } });
    return row ? { envelope: await openEnvelope(this.protection, row), signature: row.signature } : null;
  }

  /** A message the unit sent or received, or null. */
  async findVisible(messageId: string): Promise<AnyEnvelope | null> {
    const row = await this.db.message.findFirst({
      where: { id: messageId, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] },
    });
    return row ? openEnvelope(this.protection, row) : null;
  }
}

/** A stored message as its envelope, its citizen fields decrypted. */
export async function openEnvelope(protection: FieldProtection, row: Message): Promise<AnyEnvelope> {
  return toEnvelope({ ...row, payload: await protection.open(row.handoffId, row.payload, row.keyWraps) });
}

export function toEnvelope(row: Message): AnyEnvelope {
  return {
    id: row.id,
    type: row.type as MessageType,
    schemaVersion: row.schemaVersion,
    from: row.fromAgency as UnitCode,
    to: row.toAgency as UnitCode,
    handoffId: row.handoffId,
    caseRef: row.caseRef,
    correlationId: row.correlationId,
    causationId: row.causationId,
    occurredAt: row.occurredAt.toISOString(),
    priority: fromDb(row.priority),
    // Validated where consumed (validatePayload), against the schema of its type and version.
    payload: row.payload as never,
  };
}
