import { type FollowUpVisitStep, type HandoffKind, HANDOFF_KINDS, type Step } from '#contracts';

/**
 * A timed duty of the policy, as data: which handoffs it applies to, what starts its clock (a
 * step, or a date the opening message states), which step fulfils it, how long it allows, and
 * which party owes it. Adding a rule is adding a row, not a branch.
 */
export interface DeadlineRule {
  id: string;
  /** what the duty is, as the office reads it in an alert */
  labelZh: string;
  article: string;
  kinds: readonly HandoffKind[];
  /**
   * What starts the clock:
   * - `{ step }`: the moment the step was recorded, or — with `statedDate` — the date its reporter
   *   states for it (第二十一条 counts feedback from 办结, the stated `concludedOn`, not from when the
   *   step was reported);
   * - `{ detailsDate }`: a date the opening message states (investigation ended, lead discovered);
   * - `{ detailsInstant }`: an instant the opening message states (第二十条 ¶2 noticedAt).
   */
  start:
    | { step: Step; statedDate?: 'startedOn' | 'concludedOn' | 'decidedOn' }
    | { detailsDate: 'investigationEndedOn' | 'discoveredOn' }
    | { detailsInstant: 'noticedAt' };
  /** Only when the starting step's details say so (第二十条 ¶2: the paperwork duty only when the procuratorate paid first). */
  onlyWhen?: { field: string; equals: unknown };
  fulfilledBy: Step;
  /**
   * Another step that fulfils the duty as well, when its details say so (第二十一条 with 第二十条 ¶2: a
   * decision to pay first is the start of the procuratorate's procedure on an urgent medical notice).
   * The earlier of the two counts.
   */
  alsoFulfilledBy?: { step: Step; onlyWhen: { field: string; equals: unknown } };
  amount: number;
  /** calendar months count to the same day of the month (or its last day), closing at 24:00 Beijing time */
  unit: 'working-days' | 'clock-hours' | 'calendar-months';
  /** 第五条 green channel: a different amount (sooner) for green-channel and urgent handoffs */
  greenChannelAmount?: number;
  responsible: 'sender' | 'receiver';
  /**
   * A duty fulfilled by the very step that opens the handoff (第二十条 ¶2 立即告知) can never be
   * reminded of: when it was done late, the office is told (a `duty-done-late` notice).
   */
  tellOfficeWhenLate?: boolean;
}

export interface DeadlineSettings {
  /** 第二十条 ¶2 "立即告知": clock hours from the department's noticedAt within which its notice counts as at once. Default 2. */
  urgentNoticeHours: number;
  /**
   * An office rule, not in the text: clock hours the procuratorate has to start its procedure on an
   * urgent medical notice. 0 (the default) leaves it out.
   */
  urgentAcknowledgementHours: number;
  /** 第二十条 ¶2 先行救助, 及时补办手续: the policy says only "in time"; a setting, default 5 working days. */
  paperworkWorkingDays: number;
}

const REFERRALS_AND_LEADS: HandoffKind[] = ['judicial-referral', 'advance-referral', 'social-lead'];

/** 第二十条 ¶2 先行救助: the procuratorate's decision to pay first on an urgent medical notice starts its procedure. */
const PAID_FIRST = { step: 'advance-payment-decided', onlyWhen: { field: 'paidFirst', equals: true } } as const satisfies DeadlineRule['alsoFulfilledBy'];

/**
 * 第二十五条 "跟踪回访": the follow-up visits of a person a unit helped, as data — months after the
 * stated conclusion (办结), sooner on the green channel (第五条) — each fulfilled by its own step.
 */
export const FOLLOW_UP_VISITS: readonly { step: FollowUpVisitStep; labelZh: string; months: number; greenChannelMonths: number }[] = [
  { step: 'follow-up-visit-1', labelZh: '救助后第一次跟踪回访', months: 3, greenChannelMonths: 1 },
  { step: 'follow-up-visit-2', labelZh: '救助后第二次跟踪回访', months: 6, greenChannelMonths: 3 },
];

export function deadlineRules(settings: DeadlineSettings): readonly DeadlineRule[] {
  const rules: DeadlineRule[] = [
    {
      id: 'referral-after-investigation',
      labelZh: '调查终结后5个工作日内书面移送',
      article: '第十九条第一款',
      kinds: ['judicial-referral'],
      start: { detailsDate: 'investigationEndedOn' },
      fulfilledBy: 'sent',
      amount: 5,
      unit: 'working-days',
      responsible: 'sender',
    },
    {
      id: 'lead-after-discovery',
      labelZh: '发现线索后5个工作日内移送',
      article: '第二十条第一款',
      kinds: ['social-lead'],
      start: { detailsDate: 'discoveredOn' },
      fulfilledBy: 'sent',
      amount: 5,
      unit: 'working-days',
      responsible: 'sender',
    },
    {
      // 第二十条 ¶2 "有关社会救助管理部门立即告知人民检察院": the department's duty, from when it learned of the person.
      id: 'urgent-notice-told-at-once',
      labelZh: '发现急需救治的困难当事人后立即告知检察院',
      article: '第二十条第二款',
      kinds: ['urgent-medical-notice'],
      start: { detailsInstant: 'noticedAt' },
      fulfilledBy: 'sent',
      amount: settings.urgentNoticeHours,
      unit: 'clock-hours',
      responsible: 'sender',
      tellOfficeWhenLate: true,
    },
    {
      // 第二十条 ¶2 "人民检察院可以先行救助，救助后应当及时补办相关手续": only when it paid first, from the decision's date.
      id: 'paperwork-after-advance-payment',
      labelZh: '先行救助后及时补办相关手续',
      article: '第二十条第二款',
      kinds: ['urgent-medical-notice'],
      start: { step: 'advance-payment-decided', statedDate: 'decidedOn' },
      onlyWhen: { field: 'paidFirst', equals: true },
      fulfilledBy: 'concluded',
      amount: settings.paperworkWorkingDays,
      unit: 'working-days',
      responsible: 'receiver',
    },
    {
      id: 'procedure-started-after-receipt',
      labelZh: '收到移送后5个工作日内启动程序',
      article: '第二十一条',
      kinds: REFERRALS_AND_LEADS,
      start: { step: 'received' },
      fulfilledBy: 'procedure-started',
      amount: 5,
      unit: 'working-days',
      responsible: 'receiver',
    },
    {
      // 第二十一条 "人民检察院对社会救助管理部门移送的国家司法救助案件线索，应当在五个工作日内启动": an urgent
      // medical notice (第二十条 ¶2) is such a lead. Its own rule, so the alert tells the procuratorate
      // that deciding to pay first (先行救助) is the start; deciding not to is not.
      id: 'procedure-started-after-urgent-notice',
      labelZh: '收到紧急救治告知（线索）后5个工作日内启动程序（决定先行救助即为启动）',
      article: '第二十一条',
      kinds: ['urgent-medical-notice'],
      start: { step: 'received' },
      fulfilledBy: 'procedure-started',
      alsoFulfilledBy: PAID_FIRST,
      amount: 5,
      unit: 'working-days',
      responsible: 'receiver',
    },
    {
      // 第二十一条 "在案件办结后五个工作日内…反馈": from the stated concludedOn, not from when 办结 was reported.
      id: 'feedback-after-conclusion',
      labelZh: '办结后5个工作日内反馈',
      article: '第二十一条',
      kinds: HANDOFF_KINDS,
      start: { step: 'concluded', statedDate: 'concludedOn' },
      fulfilledBy: 'feedback-given',
      amount: 5,
      unit: 'working-days',
      responsible: 'receiver',
    },
  ];
  for (const visit of FOLLOW_UP_VISITS) {
    // Only when the case concluded with help given (outcome assisted), from its stated concludedOn.
    rules.push({
      id: visit.step,
      labelZh: visit.labelZh,
      article: '第二十五条',
      kinds: HANDOFF_KINDS,
      start: { step: 'concluded', statedDate: 'concludedOn' },
      onlyWhen: { field: 'outcome', equals: 'assisted' },
      fulfilledBy: visit.step,
      amount: visit.months,
      greenChannelAmount: visit.greenChannelMonths,
      unit: 'calendar-months',
      responsible: 'receiver',
    });
  }
  if (settings.urgentAcknowledgementHours > 0) {
    // Not in the text (第二十条 ¶2 gives the procuratorate no clock to acknowledge): an office rule, off by default.
    rules.push({
      id: 'urgent-notice-acknowledged',
      labelZh: '收到紧急救治告知后及时受理（联席会议办公室规则）',
      article: '联席会议办公室规则',
      kinds: ['urgent-medical-notice'],
      start: { step: 'sent' },
      fulfilledBy: 'procedure-started',
      alsoFulfilledBy: PAID_FIRST,
      amount: settings.urgentAcknowledgementHours,
      unit: 'clock-hours',
      responsible: 'receiver',
    });
  }
  return rules;
}
