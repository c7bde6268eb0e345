import ExcelJS from 'exceljs';
import { unitName } from '#units';
import { KIND_LABEL, STEP_LABEL, VISIT_SITUATION_LABEL } from '#contracts';
import { beijingDateOf } from '#calendar';
import { MEASURE_LABELS_ZH, MEASURE_STATUS_LABELS_ZH, yuanOf } from '#handoffs';
import { toCsv } from '#http';
import type { LedgerExportRow, LedgerHandoff } from '#persistence';

/** 第二十五条 台账: the columns of a unit's ledger, in Chinese (the units' staff read it). */
export const LEDGER_HEADER = [
  '案件编号',
  '移送类型',
  '移送单位',
  '接收单位',
  '姓名',
  '公民身份号码',
  '移送日期',
  '接收日期',
  '启动日期',
  '办结日期',
  '反馈日期',
  '回访次数',
  '最近回访日期',
  '回访后情况',
  '下次回访期限',
  '当前环节',
  '救助措施',
  '救助金额（元）',
  '是否归档',
] as const;

/** The day of a step: the date the unit stated for it (第二十一条), else the Beijing date it was recorded. */
function stepDay(handoff: LedgerHandoff, step: string): string {
  const found = handoff.steps.find((candidate) => candidate.step === step);
  return found ? (found.statedOn ?? beijingDateOf(found.at)) : '';
}

/**
 * The last day of a deadline: it closes at 24:00 Beijing of that day (the instant stored is the next
 * day's 00:00), so the day shown is the one the deadline ends with, never the day after.
 */
function lastDayOf(dueAt: Date): string {
  return beijingDateOf(new Date(dueAt.getTime() - 1));
}

/**
 * Where the handoff stands: its step in the chain of 第二十一条 — or, once the person has been
 * visited again (第二十五条 回访, beside the chain), the visits made.
 */
function statusOf(row: LedgerExportRow): string {
  const last = row.visits.at(-1);
  if (!last) return STEP_LABEL[row.handoff.currentStep] ?? row.handoff.currentStep;
  return `已回访 ${row.visits.length} 次（${last.visitedOn}）`;
}

/** The ID number with the birth date hidden: enough to tell people apart on paper, not to reuse it. */
export function maskedIdNumber(idNumber: string | undefined): string {
  return idNumber && idNumber.length === 18 ? `${idNumber.slice(0, 6)}********${idNumber.slice(14)}` : '';
}

/**
 * One ledger row per handoff; the measures in one cell (kind, status, date, amount, instalments); the
 * follow-up visits (第二十五条) as their count, the last one's day and situation, and the next one's deadline.
 */
export function ledgerCells(row: LedgerExportRow): (string | number)[] {
  const { handoff } = row;
  const measures = handoff.measures
    .map((m) => {
      const money = m.amountFen ? `，${yuanOf(m.amountFen)}元${m.instalments ? `分${m.instalments}期` : ''}` : '';
      return `${MEASURE_LABELS_ZH[m.kind] ?? m.kind}（${MEASURE_STATUS_LABELS_ZH[m.status] ?? m.status}，${m.decidedOn}${money}）`;
    })
    .join('；');
  const total = handoff.measures.filter((m) => m.status !== 'refused').reduce((sum, m) => sum + (m.amountFen ?? 0), 0);
  const lastVisit = row.visits.at(-1);
  return [
    handoff.caseRef,
    KIND_LABEL[handoff.kind] ?? handoff.kind,
    unitName(handoff.from),
    unitName(handoff.to),
    row.person.name ?? '',
    maskedIdNumber(row.person.idNumber),
    beijingDateOf(handoff.openedAt),
    stepDay(handoff, 'received'),
    stepDay(handoff, 'procedure-started'),
    stepDay(handoff, 'concluded'),
    stepDay(handoff, 'feedback-given'),
    row.visits.length,
    lastVisit?.visitedOn ?? '',
    lastVisit ? (VISIT_SITUATION_LABEL[lastVisit.situationAfter] ?? lastVisit.situationAfter) : '',
    row.nextVisitDueAt ? `${lastDayOf(row.nextVisitDueAt)} 当日` : '',
    statusOf(row),
    measures,
    total > 0 ? yuanOf(total) : '',
    handoff.archived ? '是' : '否',
  ];
}

export function ledgerCsv(rows: readonly LedgerExportRow[]): string {
  return toCsv(LEDGER_HEADER, rows.map(ledgerCells));
}

/** The same ledger as an Excel workbook (exceljs): one sheet, a bold frozen header, widths to fit. */
export async function ledgerXlsx(rows: readonly LedgerExportRow[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'judicial-social-assistance-bus';
  const sheet = workbook.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = LEDGER_HEADER.map((header) => ({ header, key: header, width: Math.max(10, header.length * 2 + 2) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(ledgerCells(row));
  const measures = sheet.getColumn('救助措施');
  measures.width = 60;
  measures.alignment = { wrapText: true, vertical: 'top' };
  workbook.title = title;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
