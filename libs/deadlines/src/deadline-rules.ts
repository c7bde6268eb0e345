import { type HandoffKind, HANDOFF_KINDS, type Step } from '#contracts';

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
  start: { step: Step } | { detailsDate: 'investigationEndedOn' | 'discoveredOn' };
  fulfilledBy: Step;
  amount: number;
  unit: 'working-days' | 'clock-hours';
  responsible: 'sender' | 'receiver';
}

export interface DeadlineSettings {
  /** 第二十条 ¶2 says "立即" (at once); the office sets how many clock hours that is. Default 24. */
  urgentAcknowledgementHours: number;
  /** 先行救助, 补办手续: the policy says only "in time"; a setting, default 5 working days. */
  paperworkWorkingDays: number;
}

const REFERRALS_AND_LEADS: HandoffKind[] = ['judicial-referral', 'advance-referral', 'social-lead'];

export function deadlineRules(settings: DeadlineSettings): readonly DeadlineRule[] {
  return [
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
      id: 'urgent-notice-acknowledged',
      labelZh: '收到紧急救治告知后及时受理',
      article: '第二十条第二款',
      kinds: ['urgent-medical-notice'],
      start: { step: 'sent' },
      fulfilledBy: 'procedure-started',
      amount: settings.urgentAcknowledgementHours,
      unit: 'clock-hours',
      responsible: 'receiver',
    },
    {
      id: 'paperwork-after-advance-payment',
      labelZh: '先行救助后补办手续',
      article: '第二十条第二款',
      kinds: ['urgent-medical-notice'],
      start: { step: 'procedure-started' },
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
      id: 'feedback-after-conclusion',
      labelZh: '办结后5个工作日内反馈',
      article: '第二十一条',
      kinds: HANDOFF_KINDS,
      start: { step: 'concluded' },
      fulfilledBy: 'feedback-given',
      amount: 5,
      unit: 'working-days',
      responsible: 'receiver',
    },
  ];
}
