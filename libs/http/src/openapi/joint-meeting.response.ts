import { ApiProperty } from '@nestjs/swagger';
import { UNIT_CODES, MEETING_KINDS, NOTICE_KINDS } from '#contracts';

// What the office's API (scheduler) and a unit's (adapter) answer about notices, meeting requests and
// meetings (第二十二条–第二十三条).

export class NoticeCopyView {
  @ApiProperty({ enum: UNIT_CODES, examples: ['education'] }) agency!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'when the unit said it had read the notice; null: not yet' }) readAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, examples: ['教育局联络人陈某'] }) readBy!: string | null;
}

class NoticeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTICE_KINDS }) kind!: string;
  @ApiProperty({ examples: ['关于召开联席会议临时会议的通知'] }) title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: 'string', format: 'date', nullable: true }) meetingOn!: string | null;
  @ApiProperty({ examples: ['联席办张某'] }) issuedBy!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
}

/** A notice as the office follows it. */
export class IssuedNoticeView extends NoticeView {
  @ApiProperty({ type: [NoticeCopyView], description: 'one per member unit: who has read it' }) copies!: NoticeCopyView[];
}

/** A notice as a unit holds it: its own copy. */
export class ReceivedNoticeView extends NoticeView {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'when the unit said it had read it; null: not yet' }) readAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) readBy!: string | null;
}

export class MeetingRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: UNIT_CODES }) agency!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: [String], description: 'handoffs the unit marked for discussion (第二十三条)' }) handoffIds!: string[];
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'the meeting that took it up' }) meetingId!: string | null;
}

export class MeetingRecordView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ examples: [2026] }) year!: number;
  @ApiProperty({ enum: MEETING_KINDS }) kind!: string;
  @ApiProperty({ format: 'date' }) heldOn!: string;
  @ApiProperty() title!: string;
  @ApiProperty() minutes!: string;
  @ApiProperty({ type: [String] }) decisions!: string[];
  @ApiProperty() recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class RecordedMeetingView extends MeetingRecordView {
  @ApiProperty({ description: 'how many of the requests named were taken up by this meeting (one already taken up by another stays with it)' })
  requestsTakenUp!: number;
}
