// Examples in the OpenAPI documents, in the units' language. The ID number 11010519491231002X is
// the standard's own sample and passes the GB 11643 check digit.

const person = { name: '林某某', idNumber: '11010519491231002X', phone: '13800000000' };

export const OPENING_EXAMPLES = {
  judicialReferral: {
    referral: {
      summary: '书面移送民政局和教育局（第十九条第一款）',
      value: {
        caseRef: '晋检救〔2026〕1号',
        recipients: ['civil-affairs', 'education'],
        person,
        situation: 'serious-injury-victim',
        priorityGroups: ['minor'],
        investigationEndedOn: '2026-11-20',
        findings: '被害人受犯罪侵害致重伤，加害人无赔偿能力。',
        suggestion: '建议给予临时救助、协助办理助学金。',
        needs: ['temporary-assistance', 'student-aid'],
        applicantStatement: '本人因案致伤，无法工作，家中有一名在读子女。',
        caseMaterials: [{ title: '国家司法救助审批表', reference: '晋检救审〔2026〕1号' }, { title: '调查核实笔录' }],
      },
    },
  },
  advanceReferral: {
    advance: {
      summary: '先行移送，须说明理由（第十九条第二款）',
      value: {
        caseRef: '晋检救〔2026〕2号',
        recipients: ['civil-affairs'],
        person,
        situation: 'life-threatening-injury',
        reason: '当事人急需生活救助，案件尚在办理中。',
        suggestion: '建议先行给予临时救助。',
        needs: ['temporary-assistance'],
        applicantStatement: '本人住院治疗，家庭无其他收入来源。',
        caseMaterials: [{ title: '医疗诊断证明' }],
      },
    },
  },
  lead: {
    lead: {
      summary: '向检察院移送司法救助线索（第二十条第一款）',
      value: {
        caseRef: '民政线索-2026-015',
        person,
        situation: 'tort-injury',
        discoveredOn: '2026-11-23',
        summary: '低保审核中发现当事人因交通事故致残，未获赔偿。',
      },
    },
  },
  urgentMedicalNotice: {
    notice: {
      summary: '紧急医疗救助告知（第二十条第二款）',
      value: {
        caseRef: '急救-2026-003',
        person,
        situation: 'life-threatening-injury',
        hospital: '晋江市医院',
        condition: '刑事案件被害人颅脑损伤，需立即手术，无力支付费用。',
        noticedAt: '2026-11-27T02:15:00.000Z',
        estimatedCostYuan: 85000,
      },
    },
  },
};

export const LIFECYCLE_EXAMPLES = {
  procedureStarted: { started: { summary: '已启动救助程序（第二十一条）', value: { startedOn: '2026-11-24', note: '已受理临时救助申请。' } } },
  concluded: {
    assisted: { summary: '办结：已救助', value: { concludedOn: '2026-11-26', outcome: 'assisted', measures: '纳入临时救助' } },
    refusedByProcuratorate: {
      summary: '检察院办结：不予司法救助，须列明第六条理由',
      value: { concludedOn: '2026-11-27', outcome: 'refused', refusalReasons: ['already-compensated'] },
    },
    declinedByDepartment: {
      summary: '社会救助管理部门办结：不予救助，依本部门规定说明理由（不引第六条）',
      value: { concludedOn: '2026-11-27', outcome: 'refused', declineReason: 'not-eligible', declineDetails: '家庭人均收入高于本市低保标准。' },
    },
  },
  advancePayment: {
    paidFirst: { summary: '先行救助（第二十条第二款）', value: { paidFirst: true, decidedOn: '2026-11-24', amountYuan: 20000, note: '已先行支付医疗费用。' } },
    notPaidFirst: { summary: '不先行救助，按一般程序办理', value: { paidFirst: false, decidedOn: '2026-11-24' } },
  },
  feedback: { feedback: { summary: '办结后反馈（第二十一条）', value: { summary: '已发放临时救助金3000元。' } } },
  followUpVisit: {
    visited: {
      summary: '第一次跟踪回访（第二十五条）',
      value: { visitedOn: '2027-02-26', visitedBy: '民政局王某', situationAfter: 'improved', furtherNeeds: ['vocational-training'], note: '生活基本稳定，希望参加技能培训。' },
    },
    withLead: {
      summary: '回访发现仍需帮扶，同时向检察院移送线索（第二十五条 → 第二十条第一款）；note 留在本单位，noteForRecipient 随线索移送',
      value: {
        visitedOn: '2027-02-26',
        visitedBy: '民政局王某',
        situationAfter: 'worse',
        furtherNeeds: ['legal-aid'],
        note: '邻里反映另有债务纠纷（本单位记录，不移送）。',
        followOn: { caseRef: '晋民回访〔2027〕1号', noteForRecipient: '当事人同意移送，请联系其本人。' },
      },
    },
  },
};

export const OPENED_EXAMPLE = {
  requestId: '6d1f0c0e-2a57-4bb5-9f0e-63c0d1c7e0a1',
  caseRef: '晋检救〔2026〕1号',
  handoffs: [
    { id: '0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77', kind: 'judicial-referral', to: 'civil-affairs', currentStep: 'sent', priority: 'green-channel', messageId: '5b0c2f7e-3f0a-4c47-9d2e-3b8c1b0f4a11' },
  ],
};

export const STEP_REPORTED_EXAMPLE = {
  handoffId: '0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77',
  step: 'procedure-started',
  messageId: '9a3e8b1d-4c2f-4e6a-8d0b-7f1e2c3d4b5a',
  occurredAt: '2026-11-24T01:30:00.000Z',
};

export const ROSTER_EXAMPLE = {
  leaderName: '王某',
  leaderPhone: '13900000001',
  leaderEmail: 'leader@edu.example.cn',
  liaisonName: '陈某',
  liaisonPhone: '0595-85000000',
  liaisonEmail: 'liaison@edu.example.cn',
};
