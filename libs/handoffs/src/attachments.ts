/**
 * 第九条, 第十九条: documents that travel with a handoff — PDF, images, office documents — with a
 * type and size limit, and a content hash. Pure rules; storage is libs/persistence's.
 */
export const ATTACHMENT_TYPES: Readonly<Record<string, { labelZh: string; magic: readonly number[][] }>> = {
  'application/pdf': { labelZh: 'PDF', magic: [[0x25, 0x50, 0x44, 0x46]] },
  'image/png': { labelZh: 'PNG 图片', magic: [[0x89, 0x50, 0x4e, 0x47]] },
  'image/jpeg': { labelZh: 'JPEG 图片', magic: [[0xff, 0xd8, 0xff]] },
  // Office Open XML (docx, xlsx) are ZIP files; the legacy formats are OLE compound files.
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { labelZh: 'Word 文档', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { labelZh: 'Excel 表格', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  'application/msword': { labelZh: 'Word 文档', magic: [[0xd0, 0xcf, 0x11, 0xe0]] },
  'application/vnd.ms-excel': { labelZh: 'Excel 表格', magic: [[0xd0, 0xcf, 0x11, 0xe0]] },
};
export const ATTACHMENT_CONTENT_TYPES = Object.keys(ATTACHMENT_TYPES);

/** The largest attachment, in bytes. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The largest upload body: the largest attachment in base64 (4 bytes per 3) and room for the name
 * and type. The adapter's MAX_BODY_BYTES (256 KiB) bounds every other body; this one route gets more.
 */
export const ATTACHMENT_UPLOAD_BODY_BYTES = Math.ceil(ATTACHMENT_MAX_BYTES / 3) * 4 + 64 * 1024;

/** An attachment refused for its type, its content or its size. */
export class AttachmentRefusedError extends Error {
  override readonly name: string = 'AttachmentRefusedError';
  readonly problems: { field: string; message: string }[];
  constructor(readonly field: string, message: string) {
    super(message);
    this.problems = [{ field, message }];
  }
}

/** An attachment larger than the limit (413). */
export class AttachmentTooLargeError extends AttachmentRefusedError {
  override readonly name: string = 'AttachmentTooLargeError';
}

/** Checks an attachment: an allowed type whose bytes really are of that type, not empty, not too large. */
export function checkAttachment(contentType: string, content: Uint8Array, maxBytes = ATTACHMENT_MAX_BYTES): void {
  const type = ATTACHMENT_TYPES[contentType];
  if (!type) throw new AttachmentRefusedError('contentType', `contentType must be one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}`);
  if (content.length === 0) throw new AttachmentRefusedError('contentBase64', 'the attachment is empty');
  if (content.length > maxBytes) throw new AttachmentTooLargeError('contentBase64', `the attachment is ${content.length} bytes; at most ${maxBytes}`);
  const matches = type.magic.some((magic) => magic.every((byte, index) => content[index] === byte));
  if (!matches) throw new AttachmentRefusedError('contentBase64', `the content is not a ${type.labelZh} (${contentType})`);
}
