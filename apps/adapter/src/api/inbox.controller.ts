import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { readerOf } from './evidence.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { unitSystemBody } from '#units';
import { CLOCK, type Clock } from '#config';
import { UnitContext } from './unit.context.js';
import { ApiKeyGuard, ApiProblems } from '#http';
import { InboxAck, InboxPage } from './api.responses.js';
import { InboxQuery } from './inbox.query.js';

/**
 * Pull delivery: the unit's system reads what reached its inbox and acknowledges each message.
 * Webhook units can use it too, as a fallback: it lists what has not been delivered yet.
 */
@ApiTags('inbox')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('inbox')
export class InboxController {
  constructor(
    private readonly agency: UnitContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Messages not yet acknowledged, oldest first, in the unit’s own field names',
    description: 'An opening message carries only the unit’s projection of the payload (第二十四条, the document’s x-projection).',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiOkResponse({ type: InboxPage })
  @ApiProblems(400, 401)
  async list(@Query() query: InboxQuery, @Req() req: Request) {
    const entries = await this.agency.store.inbox.listUnacknowledged(query.limit ?? 50);
    // Each message handed out is a read of a person's data.
    const reader = readerOf(this.agency.code, req);
    await this.agency.store.audit.append(
      entries.map(({ envelope }) => ({ ...reader, agency: this.agency.code, handoffId: envelope.handoffId, action: 'person-data.read', reason: `${reader.reason} (message ${envelope.id})` })),
    );
    return {
      items: entries.map(({ entry, envelope }) => ({
        messageId: entry.messageId,
        receivedAt: entry.receivedAt.toISOString(),
        message: unitSystemBody(this.agency.code, envelope),
      })),
    };
  }

  @Post(':messageId/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge a message: it leaves the inbox listing. Repeating it is harmless.' })
  @ApiParam({ name: 'messageId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: InboxAck })
  @ApiProblems(401, 404)
  async acknowledge(@Param('messageId') messageId: string, @Req() req: Request) {
    const found = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(messageId) && (await this.agency.store.inbox.acknowledge(messageId, this.clock.now()));
    if (!found) throw new NotFoundException(`no message ${messageId} in ${this.agency.code}'s inbox`);
    // A state change of the unit's inbox, in the evidence log.
    const entry = await this.agency.store.inbox.find(messageId);
    const { actor } = readerOf(this.agency.code, req);
    await this.agency.store.audit.append([{ actor, agency: this.agency.code, handoffId: entry?.handoffId ?? null, action: 'inbox.acknowledged', reason: `message ${messageId}` }]);
    return { messageId, acknowledged: true };
  }
}
