import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { IsCalendarDate } from '../calendar-date.js';

// 第二十二条: the joint meeting's office sends notices to the units and keeps the meetings' minutes and
// decisions; a unit may ask it for an ad hoc meeting (临时会议). 第二十三条: the meetings review the year's
// work and the cases the units bring. None of these texts is about a citizen: they name meetings, rules
// and case numbers (a unit marks a case by its handoff id, never by a person's data).

/** meeting: calls an ad hoc or the yearly meeting; rule: a new or changed rule of the mechanism; information: anything else. */
export const NOTICE_KINDS = ['meeting', 'rule', 'information'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTICE_KIND_LABELS_ZH: Readonly<Record<NoticeKind, string>> = { meeting: '会议通知', rule: '制度通知', information: '工作通知' };

/** annual: the yearly plenary meeting (第二十二条 每年召开一次); ad-hoc: one called when needed (临时会议). */
export const MEETING_KINDS = ['annual', 'ad-hoc'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_KIND_LABELS_ZH: Readonly<Record<MeetingKind, string>> = { annual: '年度全体会议', 'ad-hoc': '临时会议' };

/** The office's notice to every member unit's liaison. */
export class IssueNoticeRequest {
  @IsIn(NOTICE_KINDS)
  kind!: NoticeKind;

  @IsString()
  @Length(1, 100)
  title!: string;

  @IsString()
  @Length(1, 5000)
  body!: string;

  /** the day of the meeting a meeting notice calls */
  @IsOptional()
  @IsCalendarDate()
  meetingOn?: string;

  /** who at the office issues it */
  @IsString()
  @Length(1, 60)
  issuedBy!: string;
}

/** A unit says it has read a notice: who read it. */
export class ReadNoticeRequest {
  @IsString()
  @Length(1, 60)
  readBy!: string;
}

/** A unit asks the office for an ad hoc meeting (第二十二条 临时会议). */
export class AskForMeetingRequest {
  @IsString()
  @Length(1, 2000)
  reason!: string;

  /** the unit's own handoffs it asks the meeting to discuss (第二十三条 cases for discussion) */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  handoffIds?: string[];

  /** who at the unit asks */
  @IsString()
  @Length(1, 60)
  requestedBy!: string;
}

/** The office files a meeting's minutes and decisions under its year. */
export class RecordMeetingRequest {
  @IsIn(MEETING_KINDS)
  kind!: MeetingKind;

  @IsCalendarDate()
  heldOn!: string;

  @IsString()
  @Length(1, 100)
  title!: string;

  @IsString()
  @Length(1, 20000)
  minutes!: string;

  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  decisions!: string[];

  /** the units' requests this meeting took up */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  requestIds?: string[];

  @IsString()
  @Length(1, 60)
  recordedBy!: string;
}
