// The Chinese names of the steps and the handoff kinds: the console's pages and the units' ledger exports (台账).

export const STEP_LABEL: Record<string, string> = {
  sent: '已移送',
  received: '已接收',
  'procedure-started': '已启动程序',
  concluded: '已办结',
  'feedback-given': '已反馈',
  'feedback-received': '反馈已收到',
  'advance-payment-decided': '先行救助决定（第二十条第二款）',
  'follow-up-visit-1': '第一次回访（第二十五条）',
  'follow-up-visit-2': '第二次回访（第二十五条）',
};

export const KIND_LABEL: Record<string, string> = {
  'judicial-referral': '司法救助转社会救助（第十九条）',
  'advance-referral': '先行移送（第十九条第二款）',
  'social-lead': '线索移送（第二十条）',
  'urgent-medical-notice': '紧急救治告知（第二十条第二款）',
};

/** 第二十五条 回访: the situation after the help, as a visit records it (VISIT_SITUATIONS). */
export const VISIT_SITUATION_LABEL: Record<string, string> = {
  improved: '好转',
  unchanged: '无变化',
  worse: '变差',
};
