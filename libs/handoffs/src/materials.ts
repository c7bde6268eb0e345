import type { HandoffKind } from '#contracts';

/** One item a handoff must carry: the field that holds it, what the text calls it, and where. */
export interface RequiredMaterial {
  field: string;
  labelZh: string;
  article: string;
}

/**
 * The materials checklist of each handoff type, as data (第九条, 第十九条, 第二十条). A handoff that
 * lacks one is refused with the list of what is missing.
 */
export const MATERIALS_CHECKLIST: Readonly<Record<HandoffKind, readonly RequiredMaterial[]>> = {
  // 第十九条 ¶1: the investigation's findings in writing, with the suggestion; 第九条: the case
  // materials and the applicant's statement forwarded to the social-assistance department.
  'judicial-referral': [
    { field: 'findings', labelZh: '调查核实情况', article: '第十九条第一款' },
    { field: 'suggestion', labelZh: '社会救助建议', article: '第十九条第一款' },
    { field: 'applicantStatement', labelZh: '救助申请人情况说明', article: '第九条' },
    { field: 'caseMaterials', labelZh: '国家司法救助案件材料', article: '第九条' },
  ],
  // 第十九条 ¶2: the related materials, and why the referral cannot wait.
  'advance-referral': [
    { field: 'reason', labelZh: '先行移送的理由', article: '第十九条第二款' },
    { field: 'suggestion', labelZh: '社会救助建议', article: '第十九条第二款' },
    { field: 'applicantStatement', labelZh: '救助申请人情况说明', article: '第九条' },
    { field: 'caseMaterials', labelZh: '相关材料', article: '第十九条第二款' },
  ],
  // 第二十条 ¶1: the lead itself.
  'social-lead': [{ field: 'summary', labelZh: '案件线索情况', article: '第二十条第一款' }],
  // 第二十条 ¶2: where the person is treated, and why it is urgent.
  'urgent-medical-notice': [
    { field: 'hospital', labelZh: '救治医院', article: '第二十条第二款' },
    { field: 'condition', labelZh: '伤情及救治情况', article: '第二十条第二款' },
  ],
};

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** The checklist items a handoff's content lacks (none: complete). */
export function missingMaterials(kind: HandoffKind, content: Readonly<Record<string, unknown>>): RequiredMaterial[] {
  return MATERIALS_CHECKLIST[kind].filter((item) => !present(content[item.field]));
}
