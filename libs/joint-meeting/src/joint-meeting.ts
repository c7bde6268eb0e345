import { UNIT_CODES, type AskForMeetingRequest, type IssueNoticeRequest, type RecordMeetingRequest } from '#contracts';
import { beijingDateOf } from '#calendar';
import { HandoffNotFoundError } from '#handoffs';
import type { IssuedNotice, MeetingRequestView, MeetingView, OfficeStore, UnitStore } from '#persistence';
import { meetingRequestedAlert, officeNoticeAlert } from '#deadlines';

// 第二十二条 (联席会议: 每年召开一次全体会议, 根据工作需要召开临时会议; 办公室负责日常工作) and 第二十三条
// (会议通报工作、研究重点案件): the office's notices, the units' requests, the meetings' records. Each is
// written with the alert that carries it, in one transaction: the alert path (relay, queue, webhook and
// e-mail, retries, reconciler) then takes it to the people, so nothing written is left untold.

/** The office's notice to every member unit: the notice, a copy per unit and, per unit, the alert to its liaison. */
export async function issueNotice(office: OfficeStore, request: IssueNoticeRequest, at: Date): Promise<IssuedNotice> {
  const notice = {
    id: crypto.randomUUID(),
    kind: request.kind,
    title: request.title,
    body: request.body,
    meetingOn: request.meetingOn ?? null,
    issuedBy: request.issuedBy,
    issuedAt: at,
  };
  await office.transaction(async (store) => {
    const roster = await store.roster.forUnits(UNIT_CODES);
    const alerts = UNIT_CODES.map((agency) => ({ ...officeNoticeAlert(notice, agency, roster.get(agency) ?? null), id: crypto.randomUUID() }));
    await store.alerts.createMany(alerts);
    await store.jointMeeting.issue(notice, alerts.map((alert, i) => ({ agency: UNIT_CODES[i], alertId: alert.id })));
  });
  return { ...notice, copies: UNIT_CODES.map((agency) => ({ agency, readAt: null, readBy: null })) };
}

/**
 * A unit asks for an ad hoc meeting, marking cases of its own for discussion: the request, the alert
 * to the office and the evidence record, in the caller's transaction (the adapter's idempotent write).
 * A handoff the unit is not party to is refused as not found (第二十四条: a unit learns nothing of
 * another's handoffs).
 */
export async function askForMeeting(store: UnitStore, request: AskForMeetingRequest, at: Date, actor: string): Promise<MeetingRequestView> {
  const handoffIds = [...new Set(request.handoffIds ?? [])];
  const asked = { id: crypto.randomUUID(), reason: request.reason, handoffIds, requestedBy: request.requestedBy, requestedAt: at };
  const party = await store.handoffs.partyTo(handoffIds);
  const notParty = handoffIds.find((id) => !party.has(id));
  if (notParty !== undefined) throw new HandoffNotFoundError(notParty);
  const alert = { ...meetingRequestedAlert({ ...asked, agency: store.agency }), id: crypto.randomUUID() };
  await store.officeNotices.notify(alert);
  await store.jointMeeting.ask({ ...asked, alertId: alert.id });
  const marked = handoffIds.length > 0 ? `, cases marked: ${handoffIds.join(', ')}` : '';
  await store.audit.append([{ actor, agency: store.agency, handoffId: handoffIds[0] ?? null, action: 'meeting.requested', reason: `ad hoc meeting asked (第二十二条) by ${request.requestedBy}${marked}` }], at);
  return { ...asked, agency: store.agency, meetingId: null };
}

/** The office files a meeting under the year it was held in, with the units' requests it took up. */
export async function recordMeeting(office: OfficeStore, request: RecordMeetingRequest, at: Date): Promise<MeetingView & { requestsTakenUp: number }> {
  const meeting: MeetingView = {
    id: crypto.randomUUID(),
    year: Number(request.heldOn.slice(0, 4)),
    kind: request.kind,
    heldOn: request.heldOn,
    title: request.title,
    minutes: request.minutes,
    decisions: request.decisions,
    recordedBy: request.recordedBy,
    recordedAt: at,
  };
  if (request.heldOn > beijingDateOf(at)) throw new MeetingInFutureError(request.heldOn);
  const requestsTakenUp = await office.transaction((store) => store.jointMeeting.recordMeeting(meeting, [...new Set(request.requestIds ?? [])]));
  return { ...meeting, requestsTakenUp };
}

/** Minutes are filed for a meeting that was held: heldOn after today (Beijing) is refused (400). */
export class MeetingInFutureError extends Error {
  override readonly name = 'MeetingInFutureError';
  readonly field = 'heldOn';
  constructor(heldOn: string) {
    super(`heldOn ${heldOn} is after today: minutes are filed for a meeting that was held`);
  }
}
