import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Inject, Query, Req, Res, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { unitName } from '#units';
import { beijingDateOf, beijingDeadline, beijingTime } from '#calendar';
import { MEETING_KIND_LABELS_ZH } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { evaluationPeriod, OfficeScope } from '#persistence';
import { signedInUser } from '../auth/console-user.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { counted, evaluationLegend, evaluationTable, GROUP_LABEL, onTimeChart, overallOnTimeShare, percent, trendChart, yuan } from '../board/evaluation-view.js';
import { html, type SafeHtml } from '../views/html.js';
import { LEVEL_LABEL, RULE_LABEL } from '../views/labels.js';
import { page } from '../views/layout.js';
import { PdfPrinter, PdfUnavailableError } from './pdf-printer.js';

/** How many open past-due duties the report lists for discussion. */
const CASES_FOR_DISCUSSION = 50;

/**
 * 第二十三条: the joint meeting meets once a year, reports the work, reviews problems and priority
 * cases. The office's yearly report: the year's figures by unit, the priority groups helped, the
 * escalations by cause, the cases for discussion (duties open past their deadline, and the cases the
 * units marked when asking for a meeting), the year's meetings with their decisions and the notices — as a page,
 * and as a PDF printed from that page by headless Chromium.
 */
// A server-rendered page: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller('report')
@UseGuards(RolesGuard)
export class ReportController {
  constructor(
    private readonly office: OfficeScope,
    private readonly printer: PdfPrinter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('office')
  async show(@Req() req: Request, @Query('year') year: string | undefined, @Res() res: Response): Promise<void> {
    const chosen = this.year(year);
    const body = html`<p><a id="report-pdf" href="/report/pdf?year=${chosen}">下载 PDF</a></p>${await this.report(chosen)}`;
    res.type('html').send(page(`${chosen} 年度工作报告`, signedInUser(req), body));
  }

  @Get('pdf')
  @Roles('office')
  async pdf(@Query('year') year: string | undefined, @Res() res: Response): Promise<void> {
    const chosen = this.year(year);
    const printed = page(`${chosen} 年度工作报告`, null, await this.report(chosen));
    try {
      const pdf = await this.printer.print(printed);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`联席会议年度工作报告-${chosen}.pdf`)}`);
      res.type('application/pdf').send(pdf);
    } catch (error) {
      if (error instanceof PdfUnavailableError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
  }

  private year(requested: string | undefined): string {
    if (requested && /^\d{4}$/.test(requested)) return requested;
    return beijingDateOf(this.clock.now()).slice(0, 4);
  }

  private async report(year: string): Promise<SafeHtml> {
    const period = evaluationPeriod(year) ?? { from: `${year}-01-01`, to: `${Number(year) + 1}-01-01` };
    const now = this.clock.now();
    const [rows, totals, trend, escalations, cases, marked, meetings, notices] = await Promise.all([
      this.office.evaluation.byUnit(period, now),
      this.office.evaluation.totals(period, now),
      this.office.evaluation.monthlyTrend(Number(year)),
      this.office.evaluation.escalationsByCause(period),
      this.office.evaluation.openPastDue(now, CASES_FOR_DISCUSSION),
      this.office.jointMeeting.markedCases(Number(year)),
      this.office.jointMeeting.meetings(Number(year)),
      this.office.jointMeeting.noticeCounts(Number(year)),
    ]);
    const money = rows.reduce((sum, row) => sum + row.measures.amountFen, 0);
    const onTime = rows.map((row) => overallOnTimeShare(row)).filter((share): share is number => share !== null);
    // A case sent to several units is one case and several handoffs; a person helped by several
    // units is one person: the totals are counted across units, never added up from the units' rows.
    return html`<section id="report">
      <div class="keep"><h3>一、总体情况</h3>
      <p id="report-summary">${year} 年，各成员单位共移送案件 <b>${totals.cases}</b> 件，移送 <b>${totals.handoffs}</b> 次（一件案件送往几个单位计几次）；其中采取救助措施的案件 <b>${totals.casesHelped}</b> 件（移送 ${totals.handoffsHelped} 次），发放救助金额 <b>${yuan(money)}</b> 元。</p>
      <p id="report-on-time">按时率：按案件计 <b>${percent(totals.casesOnTime.share)}</b>（期限在本年到期的 ${totals.casesOnTime.decided} 件案件中，${totals.casesOnTime.onTime} 件各单位的各项期限均按时完成）；按期限义务计，各单位 ${onTime.length ? `${percent(Math.min(...onTime))}–${percent(Math.max(...onTime))}` : '—'}（每件移送的每项期限各计一次，见二）。</p></div>
      <p class="muted">各月接收的移送（次）</p>
      ${trendChart(trend)}
      <h3>二、各单位办理情况</h3>
      ${rows.length
        ? html`<p class="muted">各单位按时率（按期限义务计）</p>${onTimeChart(rows)}${evaluationTable(rows)}${evaluationLegend()}`
        : html`<p>本年尚无数据。</p>`}
      <div class="keep"><h3>三、重点群体救助情况（第五条）</h3>
      <p id="report-groups">得到救助的人数（同一人由几个单位救助只计一人）：${counted(totals.priorityGroupsHelped, GROUP_LABEL)}</p></div>
      <div class="keep"><h3>四、逾期与督办</h3>
      <p>${escalations.length === 0 ? '本年无督办。' : `本年督办 ${escalations.reduce((sum, row) => sum + row.count, 0)} 次，按单位、逾期事项与级别：`}</p></div>
      ${escalations.length === 0
        ? ''
        : html`<table id="report-escalations"><thead><tr><th>单位</th><th>逾期事项（原因）</th><th>督办级别</th><th>次数</th><th>已确认</th></tr></thead><tbody>${escalations.map(
            (row) => html`<tr><td>${unitName(row.unit)}</td><td>${RULE_LABEL[row.rule] ?? row.rule}</td><td>${LEVEL_LABEL[row.level] ?? row.level}</td><td>${row.count}</td><td>${row.acknowledged}</td></tr>`,
          )}</tbody></table>`}
      <div class="keep"><h3>五、提请联席会议研究的案件</h3>
      <p class="muted">截至 ${beijingTime(now)} 仍逾期未办的事项（最多 ${CASES_FOR_DISCUSSION} 项，逾期最久者在前）；期限写作其最后一日的 24:00。</p></div>
      ${cases.length === 0
        ? html`<p>无。</p>`
        : html`<table id="report-cases"><thead><tr><th>案件编号</th><th>责任单位</th><th>事项</th><th>期限</th></tr></thead><tbody>${cases.map(
            (row) => html`<tr><td>${row.caseRef}</td><td>${unitName(row.unit)}</td><td>${RULE_LABEL[row.rule] ?? row.rule}</td><td>${beijingDeadline(row.dueAt)}</td></tr>`,
          )}</tbody></table>`}
      <p class="muted">成员单位提请研究的案件（第二十二条 提请召开临时会议时标注）。</p>
      ${marked.length === 0
        ? html`<p>无。</p>`
        : html`<table id="report-marked-cases"><thead><tr><th>案件编号</th><th>提请单位</th><th>事由</th><th>提请时间</th><th>状态</th></tr></thead><tbody>${marked.map(
            (row) => html`<tr><td>${row.caseRef || row.handoffId}</td><td>${unitName(row.markedBy)}</td><td>${row.reason}</td><td>${beijingTime(row.requestedAt)}</td><td>${row.meetingId ? '已研究' : '待研究'}</td></tr>`,
          )}</tbody></table>`}
      <div class="keep"><h3>六、联席会议与通知（第二十二条）</h3>
      <p id="report-notices">本年发出通知 <b>${notices.issued}</b> 份${notices.issued === 0 ? '' : html`，各单位已阅 <b>${notices.read}</b>/${notices.copies} 份次`}。</p></div>
      ${meetings.length === 0
        ? html`<p>本年尚无会议记录。</p>`
        : html`<table id="report-meetings"><thead><tr><th>日期</th><th>会议</th><th>议定事项</th></tr></thead><tbody>${meetings.map(
            (m) => html`<tr><td>${m.heldOn}</td><td>${MEETING_KIND_LABELS_ZH[m.kind]}：${m.title}</td><td><ol>${m.decisions.map((d) => html`<li>${d}</li>`)}</ol></td></tr>`,
          )}</tbody></table>`}
    </section>`;
  }
}
