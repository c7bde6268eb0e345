import { Body, Controller, Get, HttpCode, HttpStatus, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { IsIn, IsOptional } from 'class-validator';
import { AskForMeetingRequest, ReadNoticeRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { askForMeeting } from '#joint-meeting';
import { ApiKeyGuard, ApiProblems, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, MeetingRequestView, ReceivedNoticeView } from '#http';
import { Idempotent } from '../unit-of-work/idempotent.js';
import { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { UnitContext } from './unit.context.js';
import { readerOf } from './evidence.js';

export class NoticesQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';
}

const NOTICE_ID = { name: 'id', description: 'the notice id', schema: { type: 'string', format: 'uuid' } } as const;

/**
 * 第二十二条: what the joint meeting's office sends the unit (notices of a meeting, a new rule), which the
 * unit says it has read; and the unit's request for an ad hoc meeting (临时会议), with the cases of its own
 * it asks the meeting to discuss (第二十三条).
 */
@ApiTags('joint meeting')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller()
export class JointMeetingController {
  constructor(
    private readonly agency: UnitContext,
    private readonly unitOfWork: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('notices')
  @ApiOperation({ summary: 'The office’s notices to this unit, newest first (unread=true: those not yet read)' })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: [ReceivedNoticeView] })
  @ApiProblems(400, 401)
  notices(@Query() query: NoticesQuery) {
    return this.agency.store.jointMeeting.notices({ unread: query.unread === 'true' }, 200);
  }

  @Get('notices/:id')
  @ApiOperation({ summary: 'One notice to this unit' })
  @ApiParam(NOTICE_ID)
  @ApiOkResponse({ type: ReceivedNoticeView })
  @ApiProblems(400, 401, 404)
  async notice(@Param('id', ParseUUIDPipe) id: string) {
    const notice = await this.agency.store.jointMeeting.notice(id);
    if (!notice) throw new NotFoundException(`no notice ${id} to ${this.agency.code}`);
    return notice;
  }

  @Post('notices/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Say the unit has read the notice: the office sees who read it and when (the first reading is kept)' })
  @ApiParam(NOTICE_ID)
  @ApiBody({ schema: { $ref: '#/components/schemas/ReadNoticeRequest' }, examples: { read: { summary: '联络人已阅', value: { readBy: '教育局联络人陈某' } } } })
  @ApiOkResponse({ type: ReceivedNoticeView })
  @ApiProblems(400, 401, 404, 413)
  async read(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReadNoticeRequest, @Req() req: Request) {
    const agency = this.agency.code;
    const now = this.clock.now();
    const { actor } = readerOf(agency, req);
    const reading = await this.agency.store.transaction(async (store) => {
      const marked = await store.jointMeeting.markRead(id, body.readBy, now);
      // The reading is evidence once, when it is recorded; a repeated call changes nothing.
      if (marked === 'read') await store.audit.append([{ actor, agency, handoffId: null, action: 'notice.read', reason: `notice ${id} read by ${body.readBy}` }], now);
      return marked;
    });
    if (reading === 'none') throw new NotFoundException(`no notice ${id} to ${agency}`);
    return this.notice(id);
  }

  @Post('meeting-requests')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Ask the office for an ad hoc meeting (第二十二条 临时会议), with a reason and the unit’s own handoffs to discuss',
    description: 'The office is told at once (its escalation inbox, webhook and e-mail). A handoff the unit is not party to is 404. Repeat with the same Idempotency-Key: the first answer again.',
  })
  @ApiBody({
    schema: { $ref: '#/components/schemas/AskForMeetingRequest' },
    examples: { ask: { summary: '提请召开临时会议', value: { reason: '两名未成年被害人就学与生活救助需多部门联合研究', handoffIds: ['0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77'], requestedBy: '教育局联络人陈某' } } },
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ type: MeetingRequestView, headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiProblems(400, 401, 404, 413, 422)
  async ask(@Body() body: AskForMeetingRequest, @Req() req: Request) {
    const { actor } = readerOf(this.agency.code, req);
    const asked = await askForMeeting(this.unitOfWork.store, body, this.clock.now(), actor);
    return { ...asked, requestedAt: asked.requestedAt.toISOString() };
  }

  @Get('meeting-requests')
  @ApiOperation({ summary: 'The unit’s requests for an ad hoc meeting, newest first, with the meeting that took each up' })
  @ApiOkResponse({ type: [MeetingRequestView] })
  @ApiProblems(401)
  requests() {
    return this.agency.store.jointMeeting.requests();
  }
}
