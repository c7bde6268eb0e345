import { unitName } from '#units';
import { beijingDeadline, beijingTime } from '#calendar';
import { type UnitCode, isUnitCode, NOTICE_KIND_LABELS_ZH, type NoticeKind } from '#contracts';
import type { AlertLevel } from './alert-schedule.js';
import type { DeadlineRule } from './deadline-rules.js';
import type { AlertKind } from './alert-kinds.js';

/** One person an alert goes to. A type, not an interface: it is stored as JSON as it is. */
export type Recipient = {
  role: 'liaison' | 'leader' | 'office';
  name: string | null;
  phone: string | null;
  email: string | null;
};

/** A unit's people as the office's roster holds them (第二十二条: each unit names a leader and a liaison). */
export type RosterContacts = {
  leaderName: string;
  leaderPhone: string;
  leaderEmail: string | null;
  liaisonName: string;
  liaisonPhone: string;
  liaisonEmail: string | null;
};

/** A duty with its deadline, as the alerts name it. */
export type DutyDeadline = {
  id: string;
  handoffId: string;
  rule: string;
  responsibleAgency: UnitCode;
  startAt: Date;
  dueAt: Date;
  provisional: boolean;
  missingYears: readonly number[];
};

/** An alert to write: the store gives it its id and keeps one per dedupeKey. */
export type AlertDraft = {
  dedupeKey: string;
  kind: AlertKind;
  level: string;
  obligationId: string | null;
  handoffId: string | null;
  agency: UnitCode | null;
  recipients: Recipient[];
  summary: string;
  /** given when a row elsewhere names the alert (a notice's copy); else a new one */
  id?: string;
};

/** The case an alert names: its case number only, never a citizen. */
type CaseRef = { caseRef: string };

const OFFICE_NAME = '联席会议办公室（第八检察部）';

// A dedupe key is also the alert's BullMQ job id, so it is joined with '.', never ':':
// BullMQ accepts a ':' in a custom id only while the id has exactly three parts, a rule its
// source marks for removal in the next major version.

/** One alert per obligation (its handoff and rule) and level: a retried sweep never doubles it. */
export function obligationAlertKey(handoffId: string, rule: string, level: AlertLevel): string {
  return `${handoffId}.${rule}.${level}`;
}

/** One calendar-missing alert per year: the calendar upload acknowledges it by this key. */
export function calendarMissingKey(year: number): string {
  return `calendar.${year}.missing`;
}

/**
 * Who hears of each level: reminders go to the responsible unit's liaison; at the due time the
 * liaison and the joint-meeting office; later the unit's leader as well (第二十二条).
 */
export function alertRecipientsFor(level: AlertLevel, roster: RosterContacts | null): Recipient[] {
  const liaison: Recipient = { role: 'liaison', name: roster?.liaisonName ?? null, phone: roster?.liaisonPhone ?? null, email: roster?.liaisonEmail ?? null };
  // The office's mailbox is a setting of the scheduler, filled in when the alert is sent.
  const office: Recipient = { role: 'office', name: OFFICE_NAME, phone: null, email: null };
  const leader: Recipient = { role: 'leader', name: roster?.leaderName ?? null, phone: roster?.leaderPhone ?? null, email: roster?.leaderEmail ?? null };
  if (level === 'overdue') return [liaison, office];
  if (level === 'overdue-leader') return [liaison, leader, office];
  return [liaison];
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** An alert's stored recipients read back: entries that are no recipient are dropped, not guessed at. */
export function readRecipients(stored: unknown): Recipient[] {
  if (!Array.isArray(stored)) return [];
  const recipients: Recipient[] = [];
  for (const entry of stored as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    const fields = entry as Record<string, unknown>;
    const role = fields.role;
    if (role !== 'liaison' && role !== 'leader' && role !== 'office') continue;
    recipients.push({ role, name: textOrNull(fields.name), phone: textOrNull(fields.phone), email: textOrNull(fields.email) });
  }
  return recipients;
}

/** The joint-meeting office alone: its own alerts and the bus's alarms go to no unit's people. */
export function officeRecipients(): Recipient[] {
  return alertRecipientsFor('overdue', null).filter((recipient) => recipient.role === 'office');
}

/** The alert of one obligation at one level. Names units, rules, times and the case number — no citizen. */
export function obligationAlert(
  obligation: DutyDeadline,
  rule: DeadlineRule,
  handoff: CaseRef,
  level: AlertLevel,
  roster: RosterContacts | null,
): AlertDraft {
  const unit = unitName(obligation.responsibleAgency);
  const due = beijingDeadline(obligation.dueAt);
  const duty = `「${rule.labelZh}」（${rule.article}）`;
  const provisional = obligation.provisional ? `（期限暂按周末计算，待载入${obligation.missingYears.join('、')}年日历）` : '';
  const who = roster ? '' : '（该单位尚未报送联络人，请补报）';
  const summary = {
    'reminder-1': `【提醒】${unit}应于${due}前完成${duty}，案件${handoff.caseRef}。${provisional}`,
    'reminder-2': `【临期提醒】${unit}应于${due}前完成${duty}，案件${handoff.caseRef}。${provisional}`,
    overdue: `【逾期】${unit}未在${due}前完成${duty}，案件${handoff.caseRef}，已报${OFFICE_NAME}。${provisional}${who}`,
    'overdue-leader': `【逾期未办】${unit}逾期仍未完成${duty}，案件${handoff.caseRef}，请分管领导${roster?.leaderName ?? ''}督办。${provisional}${who}`,
  }[level];
  return {
    dedupeKey: obligationAlertKey(obligation.handoffId, obligation.rule, level),
    kind: level.startsWith('reminder') ? 'reminder' : 'escalation',
    level,
    obligationId: obligation.id,
    handoffId: obligation.handoffId,
    agency: obligation.responsibleAgency,
    recipients: alertRecipientsFor(level, roster),
    summary,
  };
}

/** A deadline counted into a year with no loaded calendar: the office must load it (never silent). */
export function calendarMissingAlert(year: number): AlertDraft {
  return {
    dedupeKey: calendarMissingKey(year),
    kind: 'calendar-missing',
    level: 'office',
    obligationId: null,
    handoffId: null,
    agency: null,
    recipients: officeRecipients(),
    summary: `【日历】${year}年法定节假日安排尚未载入，涉及该年的期限暂按周末计算。请载入${year}年安排（PUT /calendar/years/${year}）。`,
  };
}

/** 第二十二条: a unit whose people change tells the office. */
export function rosterChangedAlert(agency: UnitCode, roster: RosterContacts, at: Date): AlertDraft {
  return {
    // One alert per change: the time alone is no identity (a drill's frozen CLOCK_FILE, or two
    // changes of one unit in one millisecond, would share it and the later change be dropped).
    dedupeKey: `roster.${agency}.${at.getTime()}-${crypto.randomUUID()}`,
    kind: 'roster-changed',
    level: 'office',
    obligationId: null,
    handoffId: null,
    agency,
    recipients: officeRecipients(),
    summary: `【人员变更】${unitName(agency)}：分管领导${roster.leaderName}（${roster.leaderPhone}），联络人${roster.liaisonName}（${roster.liaisonPhone}）。`,
  };
}

/**
 * 第二十二条: the office's notice to one unit, for its liaison (e-mail through the alert path). The unit
 * reads it through its adapter (GET /notices) or the console and says it has; the office sees who has.
 */
export function officeNoticeAlert(
  notice: { id: string; kind: NoticeKind; title: string; body: string; meetingOn: string | null },
  agency: UnitCode,
  roster: RosterContacts | null,
): AlertDraft {
  const meeting = notice.meetingOn ? `会议日期：${notice.meetingOn}。` : '';
  return {
    dedupeKey: `notice.${notice.id}.${agency}`,
    kind: 'office-notice',
    level: 'notice',
    obligationId: null,
    handoffId: null,
    agency,
    recipients: alertRecipientsFor('reminder-1', roster),
    summary: `【${NOTICE_KIND_LABELS_ZH[notice.kind]}】${OFFICE_NAME}致${unitName(agency)}：${notice.title}。${meeting}${notice.body}（阅知后请在本单位系统或工作台确认已阅，通知编号 ${notice.id}）`,
  };
}

/** 第二十二条 临时会议: a unit asks the office for an ad hoc meeting; the office hears of it at once. */
export function meetingRequestedAlert(request: { id: string; agency: UnitCode; reason: string; handoffIds: readonly string[]; requestedBy: string }): AlertDraft {
  const cases = request.handoffIds.length > 0 ? `提请研究的移送 ${request.handoffIds.length} 件。` : '';
  return {
    dedupeKey: `meeting-request.${request.id}`,
    kind: 'meeting-requested',
    level: 'office',
    obligationId: null,
    handoffId: request.handoffIds[0] ?? null,
    agency: request.agency,
    recipients: officeRecipients(),
    summary: `【提请召开临时会议】${unitName(request.agency)}（${request.requestedBy}）：${request.reason.slice(0, 500)}。${cases}`,
  };
}

/** The conditions an operations alert reports (issue: nothing accepted is ever lost, and someone hears of it). */
export type OperationsCondition = 'stuck-messages' | 'dead-letters' | 'queue-refusing' | 'redis-evicting' | 'reconciler-repaired';

const OPERATIONS_TITLE: Record<OperationsCondition, string> = {
  'stuck-messages': '消息积压',
  'dead-letters': '死信',
  'queue-refusing': '队列拒绝写入',
  'redis-evicting': 'Redis 可能丢弃数据',
  'reconciler-repaired': '对账补发',
};

/**
 * An alert to the office (and through it the operators) about the bus itself. At most one per
 * condition, scope and hour: a standing condition is not repeated every pass. The text names
 * units, counts and message types, never a citizen.
 */
export function operationsAlert(condition: OperationsCondition, scope: string, detail: string, at: Date): AlertDraft {
  const hour = at.toISOString().slice(0, 13).replace(/[-T]/g, '');
  return {
    dedupeKey: `ops.${condition}.${scope}.${hour}`,
    kind: 'operations',
    level: condition,
    obligationId: null,
    handoffId: null,
    agency: isUnitCode(scope) ? scope : null,
    recipients: officeRecipients(),
    summary: `【运行告警·${OPERATIONS_TITLE[condition]}】${detail}`,
  };
}

/**
 * A duty done after its due time that no reminder could have prevented (第二十条 ¶2: the urgent
 * notice is itself the step that fulfils 立即告知): the office hears of it once, with the lateness.
 */
export function dutyDoneLateAlert(
  obligation: Pick<DutyDeadline, 'id' | 'handoffId' | 'rule' | 'responsibleAgency' | 'startAt' | 'dueAt'>,
  rule: DeadlineRule,
  handoff: CaseRef,
  fulfilledAt: Date,
): AlertDraft {
  const minutes = Math.round((fulfilledAt.getTime() - obligation.startAt.getTime()) / 60_000);
  const took = minutes >= 60 ? `${Math.floor(minutes / 60)}小时${minutes % 60}分钟` : `${minutes}分钟`;
  return {
    dedupeKey: `${obligation.handoffId}.${obligation.rule}.done-late`,
    kind: 'duty-done-late',
    level: 'office',
    obligationId: obligation.id,
    handoffId: obligation.handoffId,
    agency: obligation.responsibleAgency,
    recipients: officeRecipients(),
    summary: `【逾期完成】${unitName(obligation.responsibleAgency)}于${beijingTime(fulfilledAt)}才完成「${rule.labelZh}」（${rule.article}），应于${beijingDeadline(obligation.dueAt)}前完成（自${beijingTime(obligation.startAt)}起${took}），案件${handoff.caseRef}。`,
  };
}
