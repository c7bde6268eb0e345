import type { AgencyCode } from '#contracts';
import type { Db } from './db.js';
import type { Attachment } from './generated/prisma/client.js';
import type { HandoffRepository } from './handoff.repository.js';

export type AttachmentMeta = Omit<Attachment, 'content'>;
export type NewAttachment = Pick<Attachment, 'id' | 'handoffId' | 'fileName' | 'contentType' | 'sizeBytes' | 'sha256' | 'content'>;

/**
 * 第九条, 第十九条: the documents of a handoff, readable only by its two parties (the handoff
 * repository's party check runs first). Stored in PostgreSQL, never in Redis.
 */
export class AttachmentRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: AgencyCode,
    private readonly handoffs: HandoffRepository,
  ) {}

  async add(attachment: NewAttachment): Promise<AttachmentMeta> {
    await this.handoffs.findVisible(attachment.handoffId);
    const { content: _content, ...meta } = await this.db.attachment.create({ data: { ...attachment, content: new Uint8Array(attachment.content), uploadedBy: this.agency } });
    void _content;
    return meta;
  }

  async list(handoffId: string): Promise<AttachmentMeta[]> {
    await this.handoffs.findVisible(handoffId);
    return this.db.attachment.findMany({
      where: { handoffId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, handoffId: true, uploadedBy: true, fileName: true, contentType: true, sizeBytes: true, sha256: true, createdAt: true },
    });
  }

  async get(handoffId: string, attachmentId: string): Promise<Attachment | null> {
    await this.handoffs.findVisible(handoffId);
    return this.db.attachment.findFirst({ where: { id: attachmentId, handoffId } });
  }
}
