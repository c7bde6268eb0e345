import { type UnitCode, Need } from '#contracts';
import { NEED_RULES } from './need-routing.js';

/**
 * 第二十五条 台账: the measures of help a unit records for a person. A measure answers one of the
 * needs of 第十条–第十八条 that the policy gives the unit (the routing rules, NEED_RULES, are the one
 * source), or is the procuratorate's national judicial assistance (国家司法救助, 第十九条–第二十条).
 */
export const JUDICIAL_ASSISTANCE = 'judicial-assistance';
export type MeasureKind = Need | typeof JUDICIAL_ASSISTANCE;
export const MEASURE_KINDS: readonly MeasureKind[] = [JUDICIAL_ASSISTANCE, ...Object.values(Need)];

export const MEASURE_STATUSES = ['granted', 'in-progress', 'completed', 'refused'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/**
 * An amount in fen as yuan with two decimals: plain for files (CSV, XLSX), with the thousands grouped
 * as people read it on a page or in the yearly report.
 */
export function yuanOf(fen: number, style: 'plain' | 'grouped' = 'plain'): string {
  const yuan = fen / 100;
  return style === 'grouped' ? yuan.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : yuan.toFixed(2);
}

/** The ledger's Chinese names of the measures (exports and the console). */
export const MEASURE_LABELS_ZH: Readonly<Record<MeasureKind, string>> = {
  [JUDICIAL_ASSISTANCE]: '国家司法救助金',
  [Need.EducationSupport]: '教育帮扶',
  [Need.StudentAid]: '学生资助',
  [Need.DropoutReturn]: '辍学返校',
  [Need.OrphanedChild]: '孤儿保障',
  [Need.LivingAllowance]: '最低生活保障',
  [Need.TemporaryAssistance]: '临时救助',
  [Need.LegalAid]: '法律援助',
  [Need.EmploymentServices]: '就业服务',
  [Need.VocationalTraining]: '职业技能培训',
  [Need.RuralPovertyRisk]: '防止返贫监测帮扶',
  [Need.MedicalAssistance]: '医疗救助',
  [Need.CareAccess]: '医疗服务',
  [Need.VeteranSupport]: '退役军人帮扶',
  [Need.PsychologicalCounselling]: '心理疏导',
  [Need.LegalHelp]: '法律帮助',
  [Need.FamilyEducationGuidance]: '家庭教育指导',
  [Need.EmploymentGuidance]: '就业指导',
  [Need.MinorInDistress]: '困境未成年人帮扶',
  [Need.DisabilityEmployment]: '残疾人就业帮扶',
  [Need.ChildRehabilitation]: '残疾儿童康复救助',
};

export const MEASURE_STATUS_LABELS_ZH: Readonly<Record<MeasureStatus, string>> = {
  granted: '已批准',
  'in-progress': '实施中',
  completed: '已完成',
  refused: '不予救助',
};

/** The articles that give `unit` the measure `kind`, or none when the policy does not. */
export function articlesForMeasure(unit: UnitCode, kind: MeasureKind): string[] {
  if (kind === JUDICIAL_ASSISTANCE) return unit === 'procuratorate' ? ['第十九条', '第二十条'] : [];
  return [...new Set(NEED_RULES.filter((rule) => rule.need === kind && rule.units.includes(unit)).map((rule) => rule.article))];
}

/** The measures a unit may record: those of its duties (第十条–第二十条). */
export function measureKindsOf(unit: UnitCode): MeasureKind[] {
  return MEASURE_KINDS.filter((kind) => articlesForMeasure(unit, kind).length > 0);
}

/** A measure refused for what it says (400). */
export class MeasureRefusedError extends Error {
  override readonly name = 'MeasureRefusedError';
  readonly problems: { field: string; message: string }[];
  constructor(field: string, message: string) {
    super(message);
    this.problems = [{ field, message }];
  }
}

export interface MeasureInput {
  kind: MeasureKind;
  status: MeasureStatus;
  amountFen?: number | null;
  instalments?: number | null;
}

/**
 * A measure a unit may record: one of its own duties; money only with an amount, and instalments
 * only with money (第二十五条: the ledger tracks how help is delivered — how much, in how many parts).
 */
export function checkMeasure(unit: UnitCode, measure: MeasureInput & { decidedOn: string }, dates: { today: string; openedOn: string }): void {
  if (articlesForMeasure(unit, measure.kind).length === 0) {
    throw new MeasureRefusedError('kind', `${measure.kind} is not a duty of ${unit} (第十条–第二十条); ${unit} records: ${measureKindsOf(unit).join(', ') || 'none'}`);
  }
  if (measure.kind === JUDICIAL_ASSISTANCE && measure.status !== 'refused' && !measure.amountFen) {
    throw new MeasureRefusedError('amountFen', 'judicial assistance granted or paid states its amount (amountFen, in fen)');
  }
  if (measure.instalments && !measure.amountFen) throw new MeasureRefusedError('instalments', 'instalments are of a sum of money: state amountFen');
  if (measure.decidedOn > dates.today) throw new MeasureRefusedError('decidedOn', `decidedOn ${measure.decidedOn} is in the future (today is ${dates.today} in Beijing)`);
  if (measure.decidedOn < dates.openedOn) {
    throw new MeasureRefusedError('decidedOn', `decidedOn ${measure.decidedOn} is before the handoff was opened (${dates.openedOn}): record measures taken for this handoff`);
  }
}
