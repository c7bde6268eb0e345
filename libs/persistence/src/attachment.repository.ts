import { mayReadAttachment } from '#units';
import { type UnitCode, DEFAULT_MATERIAL_TYPE, type MaterialType } from '#contracts';
import type { Db } from './db.js';
import type { Attachment } from './generated/prisma/client.js';
import type { FieldProtection } from './field-protection.js';
import type { HandoffRepository, HandoffWithSteps } from './handoff.repository.js';

export type AttachmentMeta = Omit<Attachment, 'content' | 'dataKeyId' | 'sharedWithParty' | 'keyWraps'>;
export type NewAttachment = Pick<Attachment, 'id' | 'handoffId' | 'fileName' | 'contentType' | 'sizeBytes' | 'sha256' | 'content'> & { material?: MaterialType };

const META = { id: true, handoffId: true, uploadedBy: true, fileName: true, contentType: true, sizeBytes: true, material: true, sha256: true, createdAt: true } as const;

/**
 * 第九条, 第十九条: the documents of a handoff, readable only by its two parties (the handoff
 * repository's party check runs first) — and by the recipient only for the material types of its
 * projection (第二十四条). Stored in PostgreSQL, never in Redis, the bytes encrypted.
 */
export class AttachmentRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
    private readonly handoffs: HandoffRepository,
    private readonly protection: FieldProtection,
  ) {}

  async add(attachment: NewAttachment): Promise<AttachmentMeta> {
    const handoff = await this.handoffs.findVisible(attachment.handoffId);
    const material = attachment.material ?? DEFAULT_MATERIAL_TYPE;
    // 第二十四条: the recipient's login reads only the material types of its projection (row-level
    // security on sharedWithParty); the sender reads every document.
    const other = handoff.fromAgency === this.agency ? handoff.toAgency : handoff.fromAgency;
    const sharedWithParty = mayReadAttachment(other, handoff, { uploadedBy: this.agency, material });
    // 第二十四条: the bytes encrypted like the handoff's citizen fields, bound to the handoff and this attachment.
    const sealed = await this.protection.sealContent(attachment.handoffId, attachment.id, attachment.content, sharedWithParty ? [this.agency, other] : [this.agency]);
    return this.db.attachment.create({
      data: { ...attachment, material, sharedWithParty, content: new Uint8Array(sealed.content), dataKeyId: sealed.dataKeyId, keyWraps: sealed.keyWraps, uploadedBy: this.agency },
      select: META,
    });
  }

  /** The documents this unit may read of the handoff: its projection's material types when it is the recipient. */
  async list(handoffId: string): Promise<AttachmentMeta[]> {
    const handoff = await this.handoffs.findVisible(handoffId);
    const rows = await this.db.attachment.findMany({ where: { handoffId }, orderBy: { createdAt: 'asc' }, select: META });
    return rows.filter((row) => this.mayRead(handoff, row));
  }

  /** One document with its plain bytes, or null when there is none this unit may read. */
  async get(handoffId: string, attachmentId: string): Promise<Attachment | null> {
    const handoff = await this.handoffs.findVisible(handoffId);
    const row = await this.db.attachment.findFirst({ where: { id: attachmentId, handoffId } });
    if (!row || !this.mayRead(handoff, row)) return null;
    return { ...row, content: new Uint8Array(await this.protection.openContent(handoffId, row.id, row.content, row.keyWraps)) };
  }

  private mayRead(handoff: HandoffWithSteps, row: { uploadedBy: string; material: string }): boolean {
    return mayReadAttachment(this.agency, handoff, row);
  }
}
