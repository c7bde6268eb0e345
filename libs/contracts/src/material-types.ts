/**
 * What an attached document is (第九条 "国家司法救助案件材料", 第十九条 ¶2 "相关材料"): the sender names it
 * when it attaches the document, and each recipient receives only the kinds its duty needs
 * (第二十四条; libs/units recipient-projections.ts).
 */
export const MaterialType = {
  /** the judicial case file: approval forms, investigation records, statements (the case narrative) */
  CaseFile: 'case-file',
  /** identity documents: resident ID card, household register (户口簿) */
  Identity: 'identity',
  /** the household's income and assets, hardship certificates (家庭经济状况) */
  HouseholdFinances: 'household-finances',
  /** diagnoses, medical records, bills (医疗诊断证明, 病历, 票据) */
  Medical: 'medical',
  /** school enrolment and student records (学籍证明) */
  School: 'school',
  /** disability certificate and assessments (残疾证) */
  Disability: 'disability',
} as const;
export type MaterialType = (typeof MaterialType)[keyof typeof MaterialType];
export const MATERIAL_TYPES: readonly MaterialType[] = Object.values(MaterialType);

/** A document attached without a stated type is treated as the case file: the narrowest audience (第二十四条). */
export const DEFAULT_MATERIAL_TYPE: MaterialType = MaterialType.CaseFile;

export function isMaterialType(value: unknown): value is MaterialType {
  return typeof value === 'string' && (MATERIAL_TYPES as readonly string[]).includes(value);
}
