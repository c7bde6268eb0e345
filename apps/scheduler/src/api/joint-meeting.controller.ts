import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { beijingDateOf } from '#calendar';
import { IssueNoticeRequest, RecordMeetingRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { issueNotice, recordMeeting } from '#joint-meeting';
import { ApiKeyGuard, ApiProblems, IssuedNoticeView, MeetingRecordView, MeetingRequestView, RecordedMeetingView } from '#http';
import { OfficeScope } from '#persistence';

export class YearQuery {
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'year must be a year, e.g. 2026' })
  year?: string;
}

const NOTICE_EXAMPLE = {
  kind: 'meeting',
  title: '关于召开联席会议临时会议的通知',
  body: '定于12月10日上午9时在市检察院第三会议室召开临时会议，研究重点案件救助衔接事宜，请各成员单位分管领导和联络人参加。',
  meetingOn: '2026-12-10',
  issuedBy: '联席办张某',
};

const MEETING_EXAMPLE = {
  kind: 'ad-hoc',
  heldOn: '2026-12-10',
  title: '联席会议临时会议',
  minutes: '会议通报了第四季度衔接工作情况，研究了教育局提请的两件重点案件。',
  decisions: ['由民政局牵头对两件重点案件开展联合救助', '各单位于12月20日前报送年度台账'],
  requestIds: [],
  recordedBy: '联席办张某',
};

/**
 * 第二十二条: the joint-meeting office's notices to the member units, the units' requests for an ad hoc
 * meeting, and the meetings' minutes and decisions filed by year (第二十三条: what the meeting reviewed).
 */
@ApiTags('joint meeting')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller()
export class JointMeetingController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('notices')
  @ApiOperation({ summary: 'Send a notice to every member unit’s liaison (e-mail through the alert path; the unit reads it through its adapter)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/IssueNoticeRequest' }, examples: { meeting: { summary: '临时会议通知', value: NOTICE_EXAMPLE } } })
  @ApiCreatedResponse({ type: IssuedNoticeView })
  @ApiProblems(400, 401, 413)
  issue(@Body() body: IssueNoticeRequest) {
    return issueNotice(this.office, body, this.clock.now());
  }

  @Get('notices')
  @ApiOperation({ summary: 'The notices sent, newest first, each with who has read it' })
  @ApiOkResponse({ type: [IssuedNoticeView] })
  @ApiProblems(400, 401)
  notices(@Query() query: YearQuery) {
    return this.office.jointMeeting.notices(200, query.year ? Number(query.year) : undefined);
  }

  @Get('notices/:id')
  @ApiOperation({ summary: 'One notice, with who has read it' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: IssuedNoticeView })
  @ApiProblems(400, 401, 404)
  async notice(@Param('id', ParseUUIDPipe) id: string) {
    const notice = await this.office.jointMeeting.notice(id);
    if (!notice) throw new NotFoundException(`no notice ${id}`);
    return notice;
  }

  @Get('meeting-requests')
  @ApiOperation({ summary: 'The units’ requests for an ad hoc meeting, newest first (all years unless one is named)' })
  @ApiOkResponse({ type: [MeetingRequestView] })
  @ApiProblems(400, 401)
  requests(@Query() query: YearQuery) {
    return this.office.jointMeeting.requests(query.year ? Number(query.year) : undefined);
  }

  @Post('meetings')
  @HttpCode(201)
  @ApiOperation({ summary: 'File a meeting’s minutes and decisions under its year, with the units’ requests it took up' })
  @ApiBody({ schema: { $ref: '#/components/schemas/RecordMeetingRequest' }, examples: { adHoc: { summary: '临时会议纪要', value: MEETING_EXAMPLE } } })
  @ApiCreatedResponse({ type: RecordedMeetingView })
  @ApiProblems(400, 401, 413)
  record(@Body() body: RecordMeetingRequest) {
    return recordMeeting(this.office, body, this.clock.now());
  }

  @Get('meetings')
  @ApiOperation({ summary: 'The meetings of a year (this year by default), in the order they were held' })
  @ApiOkResponse({ type: [MeetingRecordView] })
  @ApiProblems(400, 401)
  meetings(@Query() query: YearQuery) {
    return this.office.jointMeeting.meetings(Number(query.year ?? beijingDateOf(this.clock.now()).slice(0, 4)));
  }
}
