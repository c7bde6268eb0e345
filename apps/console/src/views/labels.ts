import { deadlineRules } from '#deadlines';

// The console speaks Chinese by default (issue: 中文, with the units' Chinese names).

export const STEP_LABEL: Record<string, string> = {
  sent: '已移送',
  received: '已接收',
  'procedure-started': '已启动程序',
  concluded: '已办结',
  'feedback-given': '已反馈',
  'feedback-received': '反馈已收到',
  'advance-payment-decided': '先行救助决定（第二十条第二款）',
};

export const KIND_LABEL: Record<string, string> = {
  'judicial-referral': '司法救助转社会救助（第十九条）',
  'advance-referral': '先行移送（第十九条第二款）',
  'social-lead': '线索移送（第二十条）',
  'urgent-medical-notice': '紧急救治告知（第二十条第二款）',
};

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
