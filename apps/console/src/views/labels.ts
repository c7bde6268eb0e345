import { deadlineRules } from '#deadlines';

// The console speaks Chinese by default (issue: 中文, with the units' Chinese names).

// The steps' and the handoff kinds' names are shared with the adapters' ledger exports (#contracts).
export { KIND_LABEL, STEP_LABEL } from '#contracts';

export const PRIORITY_LABEL: Record<string, string> = { urgent: '紧急', 'green-channel': '绿色通道', normal: '一般' };

export const LEVEL_LABEL: Record<string, string> = {
  'reminder-1': '提醒',
  'reminder-2': '临期提醒',
  overdue: '逾期（报联席办）',
  'overdue-leader': '逾期未办（报分管领导）',
  office: '通知',
};

export const ROLE_LABEL: Record<string, string> = { operator: '运维', office: '联席会议办公室', unit: '成员单位' };

// Labels only: the amounts in the rules do not matter here.
export const RULE_LABEL: Record<string, string> = Object.fromEntries(
  deadlineRules({ urgentNoticeHours: 2, urgentAcknowledgementHours: 24, paperworkWorkingDays: 5 }).map((rule) => [rule.id, `${rule.labelZh}（${rule.article}）`]),
);
