import { unitName } from '#units';
import { yuanOf } from '#handoffs';
import type { UnitEvaluation } from '#persistence';
import { html, type SafeHtml } from '../views/html.js';

// The evaluation's figures as the console shows them: the evaluation page and the yearly report.

const STAGE_LABEL: Record<string, string> = { receipt: '接收', start: '启动', conclusion: '办结', feedback: '反馈' };
const OUTCOME_LABEL: Record<string, string> = { assisted: '予以救助', refused: '不予救助', 'not-in-scope': '不属于救助范围', unstated: '未说明' };
const SITUATION_LABEL: Record<string, string> = { improved: '好转', unchanged: '无变化', worse: '变差', unstated: '未说明' };

export const GROUP_LABEL: Record<string, string> = {
  'poverty-risk-household': '因案致贫返贫家庭',
  veteran: '优抚对象',
  woman: '妇女',
  minor: '未成年人',
  disabled: '残疾人',
  petitioner: '涉法涉诉信访人',
};

/** On-time share over every duty of the unit in the period: on time ÷ decided (on time, late, overdue). */
export function overallOnTimeShare(row: UnitEvaluation): number | null {
  const decided = row.timeliness.reduce((sum, t) => sum + t.onTime + t.late + t.overdue, 0);
  return decided === 0 ? null : row.timeliness.reduce((sum, t) => sum + t.onTime, 0) / decided;
}

export const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
export const yuan = (fen: number) => yuanOf(fen, 'grouped');

/** A horizontal bar per unit: the share of its duties done on time. Plain SVG, no script. */
export function onTimeChart(rows: readonly UnitEvaluation[]): SafeHtml {
  const barHeight = 26;
  const labelWidth = 240;
  const width = 720;
  return html`<svg id="evaluation-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${rows.length * barHeight + 30}" role="img" aria-label="按时率">
    ${rows.map((row, i) => {
      const share = overallOnTimeShare(row) ?? 0;
      const y = i * barHeight + 10;
      const w = Math.round((width - labelWidth - 60) * share);
      return html`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" font-size="13">${unitName(row.unit)}</text>
        <rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${barHeight - 8}" fill="${share >= 0.9 ? '#2e7d32' : share >= 0.6 ? '#ad5a00' : '#c0392b'}"></rect>
        <text x="${labelWidth + w + 6}" y="${y + 16}" font-size="13">${percent(overallOnTimeShare(row))}</text>`;
    })}
  </svg>`;
}

/** Handoffs received per month of the year, all units together: columns. */
export function trendChart(points: readonly { month: string; received: number }[]): SafeHtml {
  const months = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));
  const byMonth = new Map<string, number>();
  for (const point of points) byMonth.set(point.month.slice(5), (byMonth.get(point.month.slice(5)) ?? 0) + point.received);
  const max = Math.max(1, ...byMonth.values());
  const [width, height, column] = [720, 200, 50];
  return html`<svg id="trend-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 30}" role="img" aria-label="各月移送量">
    ${months.map((month, i) => {
      const count = byMonth.get(month) ?? 0;
      const h = Math.round((height - 20) * (count / max));
      const x = 20 + i * (column + 6);
      return html`<rect x="${x}" y="${height - h}" width="${column}" height="${h}" fill="#1f4e79"></rect>
        <text x="${x + column / 2}" y="${height - h - 4}" text-anchor="middle" font-size="12">${count || ''}</text>
        <text x="${x + column / 2}" y="${height + 16}" text-anchor="middle" font-size="12">${Number(month)}月</text>`;
    })}
  </svg>`;
}

function stages(row: UnitEvaluation): SafeHtml {
  return html`${row.stages.map((s) => html`${STAGE_LABEL[s.stage]} ${s.medianWorkingDays}/${s.p90WorkingDays}（${s.count}）<br>`)}`;
}

export const counted = (entries: Record<string, number>, labels: Record<string, string>) =>
  Object.entries(entries)
    .map(([key, n]) => `${labels[key] ?? key} ${n}`)
    .join('，') || '—';

/**
 * The figures, one row per unit, as two tables of a few columns each (they print on A4 without a
 * column narrower than its heading): how the unit handled its handoffs, and the help it gave.
 */
export function evaluationTable(rows: readonly UnitEvaluation[]): SafeHtml {
  return html`<table id="evaluation" class="figures"><thead><tr><th>单位</th><th>移送案件（件）</th><th>移送（次）</th><th>接收（次）</th><th>按时率（按期限义务）</th><th>各环节用时（工作日）</th></tr></thead>
    <tbody>${rows.map(
      (row) => html`<tr data-unit="${row.unit}"><td>${unitName(row.unit)}</td><td>${row.sentCases}</td><td>${row.sent}</td><td>${row.received}</td><td>${percent(overallOnTimeShare(row))}</td>
        <td>${stages(row)}</td></tr>`,
    )}</tbody></table>
    <table id="evaluation-help" class="figures"><thead><tr><th>单位</th><th>办结结果</th><th>首次救助</th><th>救助措施（项）</th><th>救助金额（元）</th><th>重点群体（人）</th><th>回访后情况</th></tr></thead>
    <tbody>${rows.map(
      (row) => html`<tr data-unit="${row.unit}"><td>${unitName(row.unit)}</td><td>${counted(row.outcomes, OUTCOME_LABEL)}</td>
        <td>${row.firstHelp.helped > 0 ? `${row.firstHelp.medianWorkingDays}（${row.firstHelp.helped} 件）` : '—'}</td>
        <td>${Object.values(row.measures.byStatus).reduce((a, b) => a + b, 0)}</td><td>${yuan(row.measures.amountFen)}</td>
        <td>${counted(row.priorityGroupsHelped, GROUP_LABEL)}</td><td>${counted(row.situationAfterVisits, SITUATION_LABEL)}</td></tr>`,
    )}</tbody></table>`;
}

/** What the columns of the two tables mean: the evaluation page and the yearly report print it under them. */
export function evaluationLegend(): SafeHtml {
  return html`<dl id="evaluation-legend" class="legend">
    <dt>移送案件、移送、接收</dt><dd>案件：一名当事人的一次移送或线索，无论送往几个单位，计一件；移送：每个接收单位各计一次（一件案件送往三个单位为三次移送）；接收：本单位收到的移送。</dd>
    <dt>按时率（按期限义务）</dt><dd>期限在本期到期的每件移送的每项期限义务（接收后启动、办结后反馈、跟踪回访等）各计一次：按时完成 ÷（按时完成 + 逾期完成 + 逾期未办）。一件案件送往几个单位，各单位的义务分别计算。</dd>
    <dt>各环节用时（工作日）</dt><dd>“接收 1/1.8（3）”：接收环节用时的中位数 1 个工作日、P90 1.8 个工作日，共 3 件。接收：移送至接收；启动：接收至启动程序；办结：启动至办结；反馈：办结至反馈。工作日按法定节假日与调休计，从单位所述日期起算。</dd>
    <dt>首次救助</dt><dd>本期收到的移送中采取了救助措施的件数，及从移送到首项救助措施的工作日中位数。</dd>
    <dt>重点群体（人）</dt><dd>本单位救助的人数（第五条），同一人只计一次；同一人由几个单位救助，在各单位各计一人，全体合计时只计一人。</dd>
  </dl>`;
}
