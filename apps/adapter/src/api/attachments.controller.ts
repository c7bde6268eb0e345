import { createHash } from 'node:crypto';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, StreamableFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBase64, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ApiKeyGuard, ApiProblems, HttpAnswer, HttpAnswerInterceptor, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '#http';
import { DEFAULT_MATERIAL_TYPE, MATERIAL_TYPES, type MaterialType } from '#contracts';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_MAX_BYTES, checkAttachment, HandoffNotFoundError } from '#handoffs';
import type { AttachmentMeta } from '#persistence';
import { Idempotent } from '../unit-of-work/idempotent.js';
import { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { UnitContext } from './unit.context.js';

/** A document for a handoff: its name, its type and its bytes in base64. */
export class AddAttachmentRequest {
  @JSONSchema({ description: 'the file name as the unit’s system knows it' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[^/\\]+$/, { message: 'fileName may not contain / or \\' })
  fileName!: string;

  @JSONSchema({ description: 'PDF, PNG, JPEG or an office document; the bytes must be of that type' })
  @IsIn(ATTACHMENT_CONTENT_TYPES)
  contentType!: string;

  @JSONSchema({ description: `the content in base64; at most ${ATTACHMENT_MAX_BYTES} bytes decoded (413 beyond); this route's body may be larger than the adapter's MAX_BODY_BYTES` })
  @IsBase64()
  contentBase64!: string;

  @JSONSchema({
    description:
      `what the document is (第二十四条): the recipient receives only the types its duty needs (its projection, libs/units). ` +
      `Default ${DEFAULT_MATERIAL_TYPE}, the narrowest audience`,
  })
  @IsOptional()
  @IsIn(MATERIAL_TYPES)
  material?: MaterialType;
}

export class AttachmentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  handoffId!: string;

  @ApiProperty({ description: 'the party that attached it' })
  uploadedBy!: string;

  @ApiProperty()
  fileName!: string;

  @ApiProperty({ enum: ATTACHMENT_CONTENT_TYPES })
  contentType!: string;

  @ApiProperty()
  sizeBytes!: number;

  @ApiProperty({ enum: MATERIAL_TYPES, description: 'what the document is; decides which recipients receive it (第二十四条)' })
  material!: string;

  @ApiProperty({ description: 'hex SHA-256 of the content' })
  sha256!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

const ID = { name: 'id', description: 'the handoff (移送) id', schema: { type: 'string', format: 'uuid' } } as const;
const present = (meta: AttachmentMeta) => ({ ...meta, createdAt: meta.createdAt.toISOString() });

/**
 * 第九条 "将国家司法救助案件材料…转交", 第十九条 ¶2 "移送相关材料": documents travel with a handoff.
 * Stored in PostgreSQL outside the message row, never in Redis; readable only by the two parties.
 */
@ApiTags('attachments')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('handoffs/:id/attachments')
export class AttachmentsController {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly agency: UnitContext,
  ) {}

  @Post()
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Attach a document to a handoff (第九条, 第十九条): PDF, image or office document, by either party',
    description:
      `Type checked against the bytes; at most ${ATTACHMENT_MAX_BYTES} bytes (413 beyond); a SHA-256 is kept and checked on every read; the bytes are stored encrypted. ` +
      `404 unless the unit sent or received the handoff (第二十四条: another unit's handoff does not exist for it). The recipient receives the document only when its material type is in its projection (第二十四条).`,
  })
  @ApiParam(ID)
  @ApiBody({ schema: { $ref: `#/components/schemas/${AddAttachmentRequest.name}` } })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ type: AttachmentView, headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiProblems(400, 401, 403, 404, 413, 422)
  async add(@Param('id', ParseUUIDPipe) id: string, @Body() body: AddAttachmentRequest) {
    const content = Buffer.from(body.contentBase64, 'base64');
    checkAttachment(body.contentType, content);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const meta = await this.unitOfWork.store.attachments.add({ id: crypto.randomUUID(), handoffId: id, fileName: body.fileName, contentType: body.contentType, sizeBytes: content.length, sha256, content, material: body.material });
    return present(meta);
  }

  @Get()
  @ApiOperation({
    summary: 'The documents of a handoff (names, types, sizes, hashes), for its two parties only',
    description: 'The sender sees every document; the recipient its own and the sender’s whose material type its projection lists (第二十四条, libs/units recipient-projections.ts).',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: [AttachmentView] })
  @ApiProblems(401, 403, 404)
  async list(@Param('id', ParseUUIDPipe) id: string) {
    return (await this.agency.store.attachments.list(id)).map(present);
  }

  @Get(':attachmentId')
  @UseInterceptors(HttpAnswerInterceptor)
  @ApiOperation({
    summary: 'One document’s bytes, with its type and hash (X-Content-SHA256), for the handoff’s two parties only',
    description: '404 for a document outside the recipient’s projection (第二十四条), as for one that does not exist.',
  })
  @ApiParam(ID)
  @ApiParam({ name: 'attachmentId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ description: 'the document', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblems(401, 403, 404)
  async download(@Param('id', ParseUUIDPipe) id: string, @Param('attachmentId', ParseUUIDPipe) attachmentId: string) {
    const attachment = await this.agency.store.attachments.get(id, attachmentId);
    if (!attachment) throw new HandoffNotFoundError(`${id}/attachments/${attachmentId}`);
    const content = Buffer.from(attachment.content);
    if (createHash('sha256').update(content).digest('hex') !== attachment.sha256) throw new Error(`attachment ${attachmentId} fails its SHA-256`);
    const file = new StreamableFile(content, {
      type: attachment.contentType,
      length: content.length,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
    });
    return new HttpAnswer(file, { headers: { 'X-Content-SHA256': attachment.sha256 } });
  }
}
