import { startOfBeijingDay } from '#calendar';
import type { UnitCode, MeetingKind, NoticeKind } from '#contracts';
import type { Db } from './db.js';

// 第二十二条–第二十三条: the joint meeting's notices, the units' requests for an ad hoc meeting and the
// meetings' minutes and decisions. A unit's repository sees its own copies and requests (row-level
// security holds it to them as well); the office's sees every unit's.

export interface NoticeCopyState {
  agency: string;
  readAt: Date | null;
  readBy: string | null;
}

export interface NoticeView {
  id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  meetingOn: string | null;
  issuedBy: string;
  issuedAt: Date;
}

/** A notice as the office follows it: who has read it. */
export interface IssuedNotice extends NoticeView {
  copies: NoticeCopyState[];
}

/** A notice as the unit holds it: its own copy. */
export interface ReceivedNotice extends NoticeView {
  readAt: Date | null;
  readBy: string | null;
}

export interface MeetingRequestView {
  id: string;
  agency: string;
  reason: string;
  handoffIds: string[];
  requestedBy: string;
  requestedAt: Date;
  meetingId: string | null;
}

export interface MeetingView {
  id: string;
  year: number;
  kind: MeetingKind;
  heldOn: string;
  title: string;
  minutes: string;
  decisions: string[];
  recordedBy: string;
  recordedAt: Date;
}

/** 00:00 of 1 January `year`, Beijing time: where the year's notices and requests begin. */
const beijingYearStart = (year: number): Date => startOfBeijingDay(`${year}-01-01`);

/** read: this call recorded the reading; already: an earlier one had; none: the unit has no such notice. */
export type NoticeReading = 'read' | 'already' | 'none';

async function markCopyRead(db: Db, noticeId: string, agency: UnitCode, readBy: string, at: Date): Promise<NoticeReading> {
  const changed = await db.noticeCopy.updateMany({ where: { noticeId, agency, readAt: null }, data: { readAt: at, readBy } });
  if (changed.count > 0) return 'read';
  return (await db.noticeCopy.count({ where: { noticeId, agency } })) > 0 ? 'already' : 'none';
}

/** The notices sent to one unit, newest first, as its copies hold them. */
async function noticesSentTo(db: Db, agency: UnitCode, filter: { unread?: boolean }, limit: number): Promise<ReceivedNotice[]> {
  const copies = await db.noticeCopy.findMany({
    where: { agency, ...(filter.unread ? { readAt: null } : {}) },
    orderBy: { notice: { issuedAt: 'desc' } },
    take: limit,
    include: { notice: true },
  });
  return copies.map((copy) => ({ ...noticeView(copy.notice), readAt: copy.readAt, readBy: copy.readBy }));
}

type NoticeRow = { id: string; kind: string; title: string; body: string; meetingOn: string | null; issuedBy: string; issuedAt: Date };
const noticeView = (row: NoticeRow): NoticeView => ({ ...row, kind: row.kind as NoticeKind });
const requestView = (row: MeetingRequestView): MeetingRequestView => ({ ...row, handoffIds: row.handoffIds ?? [] });

/** The office's side: issue notices and follow their reading, see the units' requests, file the meetings. */
export class OfficeJointMeetingRepository {
  constructor(private readonly db: Db) {}

  /** The notice and one copy per unit (each with the alert that carries it), in the caller's transaction. */
  async issue(notice: NoticeView, copies: readonly { agency: UnitCode; alertId: string }[]): Promise<void> {
    await this.db.notice.create({ data: notice });
    await this.db.noticeCopy.createMany({ data: copies.map((copy) => ({ noticeId: notice.id, agency: copy.agency, alertId: copy.alertId })) });
  }

  async notices(limit: number, year?: number): Promise<IssuedNotice[]> {
    const rows = await this.db.notice.findMany({
      where: year ? { issuedAt: { gte: beijingYearStart(year), lt: beijingYearStart(year + 1) } } : {},
      orderBy: { issuedAt: 'desc' },
      take: limit,
      include: { copies: { orderBy: { agency: 'asc' }, select: { agency: true, readAt: true, readBy: true } } },
    });
    return rows.map(({ copies, ...notice }) => ({ ...noticeView(notice), copies }));
  }

  /** The notices sent to one unit, as its copies hold them (a unit's console user: that unit's only). */
  async noticesSentTo(agency: UnitCode, limit: number): Promise<ReceivedNotice[]> {
    return noticesSentTo(this.db, agency, {}, limit);
  }

  /** The year's notices counted: issued, copies sent (one per unit) and copies read. */
  async noticeCounts(year: number): Promise<{ issued: number; copies: number; read: number }> {
    const inYear = { issuedAt: { gte: beijingYearStart(year), lt: beijingYearStart(year + 1) } };
    const [issued, copies, read] = await Promise.all([
      this.db.notice.count({ where: inYear }),
      this.db.noticeCopy.count({ where: { notice: inYear } }),
      this.db.noticeCopy.count({ where: { notice: inYear, readAt: { not: null } } }),
    ]);
    return { issued, copies, read };
  }

  async notice(id: string): Promise<IssuedNotice | null> {
    const row = await this.db.notice.findUnique({ where: { id }, include: { copies: { orderBy: { agency: 'asc' }, select: { agency: true, readAt: true, readBy: true } } } });
    if (!row) return null;
    const { copies, ...notice } = row;
    return { ...noticeView(notice), copies };
  }

  /** A unit's copy read on its behalf (a unit's console user): the first reading is kept. */
  async markRead(noticeId: string, agency: UnitCode, readBy: string, at: Date): Promise<NoticeReading> {
    return markCopyRead(this.db, noticeId, agency, readBy, at);
  }

  async requests(year?: number): Promise<MeetingRequestView[]> {
    const rows = await this.db.meetingRequest.findMany({
      where: year ? { requestedAt: { gte: beijingYearStart(year), lt: beijingYearStart(year + 1) } } : {},
      orderBy: { requestedAt: 'desc' },
      take: 500,
      select: { id: true, agency: true, reason: true, handoffIds: true, requestedBy: true, requestedAt: true, meetingId: true },
    });
    return rows.map(requestView);
  }

  /**
   * 第二十三条 cases for discussion marked by a unit: the handoffs named in the year's requests for a
   * meeting, with the case number, the unit that marked it and its reason.
   */
  async markedCases(year: number): Promise<{ handoffId: string; caseRef: string; markedBy: string; reason: string; requestedAt: Date; meetingId: string | null }[]> {
    return this.db.$queryRawUnsafe(
      `SELECT marked.id AS "handoffId", coalesce(h."caseRef", '') AS "caseRef", r.agency AS "markedBy", r.reason, r."requestedAt", r."meetingId"
       FROM "MeetingRequest" r CROSS JOIN LATERAL unnest(r."handoffIds") AS marked(id) LEFT JOIN "Handoff" h ON h.id = marked.id
       WHERE r."requestedAt" >= $1 AND r."requestedAt" < $2
       ORDER BY r."requestedAt", marked.id`,
      beijingYearStart(year),
      beijingYearStart(year + 1),
    );
  }

  /** The meeting and the requests it took up, in the caller's transaction; requests already taken up by another meeting stay with it. */
  async recordMeeting(meeting: MeetingView, requestIds: readonly string[]): Promise<number> {
    await this.db.meeting.create({ data: meeting });
    if (requestIds.length === 0) return 0;
    const linked = await this.db.meetingRequest.updateMany({ where: { id: { in: [...requestIds] }, meetingId: null }, data: { meetingId: meeting.id } });
    return linked.count;
  }

  async meetings(year: number): Promise<MeetingView[]> {
    const rows = await this.db.meeting.findMany({ where: { year }, orderBy: [{ heldOn: 'asc' }, { recordedAt: 'asc' }] });
    return rows.map((row) => ({ ...row, kind: row.kind as MeetingKind }));
  }

  async meeting(id: string): Promise<MeetingView | null> {
    const row = await this.db.meeting.findUnique({ where: { id } });
    return row ? { ...row, kind: row.kind as MeetingKind } : null;
  }
}

/** One unit's side: the notices it was sent, its reading of them, its requests for a meeting. */
export class UnitJointMeetingRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
  ) {}

  async notices(filter: { unread?: boolean }, limit: number): Promise<ReceivedNotice[]> {
    return noticesSentTo(this.db, this.agency, filter, limit);
  }

  async notice(id: string): Promise<ReceivedNotice | null> {
    const copy = await this.db.noticeCopy.findUnique({ where: { noticeId_agency: { noticeId: id, agency: this.agency } }, include: { notice: true } });
    return copy ? { ...noticeView(copy.notice), readAt: copy.readAt, readBy: copy.readBy } : null;
  }

  /** The unit has read it: the first reading is kept (a second call changes nothing). */
  async markRead(id: string, readBy: string, at: Date): Promise<NoticeReading> {
    return markCopyRead(this.db, id, this.agency, readBy, at);
  }

  async ask(request: Omit<MeetingRequestView, 'agency' | 'meetingId'> & { alertId: string }): Promise<void> {
    await this.db.meetingRequest.create({ data: { ...request, agency: this.agency } });
  }

  async requests(): Promise<MeetingRequestView[]> {
    const rows = await this.db.meetingRequest.findMany({
      where: { agency: this.agency },
      orderBy: { requestedAt: 'desc' },
      take: 200,
      select: { id: true, agency: true, reason: true, handoffIds: true, requestedBy: true, requestedAt: true, meetingId: true },
    });
    return rows.map(requestView);
  }
}
