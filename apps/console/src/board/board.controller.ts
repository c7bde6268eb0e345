import { Controller, Get, Header, Inject, NotFoundException, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { unitName } from '#units';
import { beijingDeadline, beijingTime } from '#calendar';
import { ApiProblems } from '#http';
import { UNIT_CODES, PRIORITIES, STEP_ORDER } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { OfficeScope } from '#persistence';
import { signedInUser, viewerOf } from '../auth/console-user.js';
import { csrfInput } from '../auth/csrf.js';
import { html } from '../views/html.js';
import { KIND_LABEL, LEVEL_LABEL, PRIORITY_LABEL, RULE_LABEL, STEP_LABEL } from '../views/labels.js';
import { page } from '../views/layout.js';
import { BoardCalendar } from './board-calendar.js';
import { type BoardRow, boardRows } from './board-rows.js';
import { openedBetween } from './opened-between.js';
import { BoardQuery } from './board.query.js';
import { toCsv } from '#http';

/** Open handoffs by unit and step, overdue and escalated first; one handoff's timeline. */
@ApiTags('board')
@ApiCookieAuth('session')
@Controller('handoffs')
export class BoardController {
  constructor(
    private readonly office: OfficeScope,
    private readonly calendar: BoardCalendar,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private async rows(req: Request, query: BoardQuery): Promise<BoardRow[]> {
    const found = await this.office.board.openHandoffs(viewerOf(signedInUser(req)), {
      unit: query.unit,
      step: query.step,
      priority: query.priority,
      ...openedBetween(query.from, query.to),
    });
    return boardRows(found, this.clock.now(), await this.calendar.current());
  }

  @Get()
  @ApiExcludeEndpoint() // an HTML page
  async list(@Req() req: Request, @Query() query: BoardQuery, @Res() res: Response): Promise<void> {
    const rows = await this.rows(req, query);
    const option = (value: string, label: string, selected: string | undefined) =>
      html`<option value="${value}" ${value === selected ? html`selected` : ''}>${label}</option>`;
    const filters = html`<form class="filters" method="get" action="/handoffs">
      ${signedInUser(req).role !== 'unit'
        ? html`<label>单位<select name="unit"><option value="">全部</option>${UNIT_CODES.map((code) => option(code, unitName(code), query.unit))}</select></label>`
        : ''}
      <label>环节<select name="step"><option value="">全部未结</option>${STEP_ORDER.map((step) => option(step, STEP_LABEL[step], query.step))}</select></label>
      <label>优先级<select name="priority"><option value="">全部</option>${PRIORITIES.map((p) => option(p, PRIORITY_LABEL[p], query.priority))}</select></label>
      <label>移送日期自<input type="date" name="from" value="${query.from ?? ''}"></label>
      <label>至<input type="date" name="to" value="${query.to ?? ''}"></label>
      <button type="submit">筛选</button>
      <a href="/handoffs/export.csv?${new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]).toString()}">导出 CSV</a>
    </form>`;
    const body = rows.length === 0
      ? html`${filters}<p>没有符合条件的未结移送。</p>`
      : html`${filters}<table id="handoffs"><thead><tr>
          <th>案件编号</th><th>类型</th><th>移送单位</th><th>接收单位</th><th>当前环节</th><th>期限</th><th>剩余时间</th><th>督办</th><th>移送时间</th>
        </tr></thead><tbody>${rows.map((row) => this.row(row))}</tbody></table>
        <p class="muted">共 ${rows.length} 件；逾期和已督办的排在最前。期限按法定工作日计算（北京时间）。</p>`;
    res.type('html').send(page('未结移送', signedInUser(req), body));
  }

  private row({ handoff, due, overdue, timeLeft, escalation }: BoardRow) {
    const classes = [overdue ? 'overdue' : '', escalation ? 'escalated' : ''].filter(Boolean).join(' ');
    return html`<tr class="${classes}" data-handoff="${handoff.id}">
      <td><a href="/handoffs/${handoff.id}">${handoff.caseRef}</a>
        ${handoff.priority === 'green-channel' ? html` <span class="badge green">绿色通道</span>` : ''}
        ${handoff.priority === 'urgent' ? html` <span class="badge urgent">紧急</span>` : ''}</td>
      <td>${KIND_LABEL[handoff.kind] ?? handoff.kind}</td>
      <td>${unitName(handoff.fromAgency)}</td>
      <td>${unitName(handoff.toAgency)}</td>
      <td>${STEP_LABEL[handoff.currentStep] ?? handoff.currentStep}</td>
      <td>${due ? beijingDeadline(due.dueAt) : ''}${due?.provisional ? html` <span class="muted">（暂定）</span>` : ''}</td>
      <td>${overdue ? html`<span class="badge late">${timeLeft}</span>` : timeLeft}</td>
      <td>${escalation ? html`<span class="badge level">${LEVEL_LABEL[escalation]}</span>` : ''}</td>
      <td>${beijingTime(handoff.openedAt)}</td>
    </tr>`;
  }

  @Get('export.csv')
  @ApiOperation({ summary: 'CSV export of the open handoffs the user may see: case numbers, units, steps and times only, no citizen data' })
  @ApiQuery({ name: 'unit', required: false, enum: UNIT_CODES })
  @ApiQuery({ name: 'step', required: false, enum: STEP_ORDER })
  @ApiQuery({ name: 'priority', required: false, enum: PRIORITIES })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date' }, description: 'opened on or after (Beijing date)' })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date' }, description: 'opened on or before (Beijing date)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'UTF-8 CSV, one open handoff per row',
    content: { 'text/csv': { schema: { type: 'string' }, example: '案件编号,类型,移送单位,接收单位,当前环节,优先级,期限,剩余时间,督办,移送时间,移送编号\r\n晋检救〔2026〕1号,书面移送,晋江市人民检察院,晋江市民政局,已接收,普通,2026-12-01 24:00,2个工作日,,2026-11-23 10:15,0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77\r\n' } },
  })
  @ApiResponse({ status: 303, description: 'no session: redirected to /login (登录后再导出)', headers: { Location: { description: '/login?next=…', schema: { type: 'string' } } } })
  @ApiProblems(400)
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="handoffs.csv"')
  async csv(@Req() req: Request, @Query() query: BoardQuery): Promise<string> {
    // Case numbers, units, steps and times only: no citizen's name, ID number or phone leaves in a file.
    const rows = await this.rows(req, query);
    return toCsv(
      ['案件编号', '类型', '移送单位', '接收单位', '当前环节', '优先级', '期限', '剩余时间', '督办', '移送时间', '移送编号'],
      rows.map(({ handoff, due, timeLeft, escalation }) => [
        handoff.caseRef,
        KIND_LABEL[handoff.kind] ?? handoff.kind,
        unitName(handoff.fromAgency),
        unitName(handoff.toAgency),
        STEP_LABEL[handoff.currentStep] ?? handoff.currentStep,
        PRIORITY_LABEL[handoff.priority] ?? handoff.priority,
        due ? beijingDeadline(due.dueAt) : '',
        timeLeft,
        escalation ? LEVEL_LABEL[escalation] : '',
        beijingTime(handoff.openedAt),
        handoff.id,
      ]),
    );
  }

  @Get(':id')
  @ApiExcludeEndpoint() // an HTML page
  async detail(@Req() req: Request, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const found = await this.office.board.detail(viewerOf(signedInUser(req)), id);
    // Someone else's handoff is simply not there for a unit's user.
    if (!found) throw new NotFoundException('没有这件移送，或您无权查看');
    const { handoff, obligations, alerts } = found;
    const canAcknowledge = signedInUser(req).role === 'office';
    // The evidence log of the handoff: the office's, not a unit user's.
    const evidence = signedInUser(req).role === 'office' ? await this.office.evidence.forHandoff(handoff.id) : null;
    const body = html`
      <p>${KIND_LABEL[handoff.kind]} · ${unitName(handoff.fromAgency)} → ${unitName(handoff.toAgency)} · 案件编号 ${handoff.caseRef}
        · ${PRIORITY_LABEL[handoff.priority]} · <a id="ledger-link" href="/ledger/${handoff.id}">当事人台账</a></p>
      <h3>时间线</h3>
      <ol class="timeline" id="timeline">${handoff.steps.map(
        (step) => html`<li><strong>${STEP_LABEL[step.step] ?? step.step}</strong> · ${unitName(step.actorAgency)} · ${beijingTime(step.occurredAt)}</li>`,
      )}</ol>
      <h3>办理期限</h3>
      <table><thead><tr><th>义务</th><th>责任单位</th><th>起算</th><th>期限</th><th>状态</th></tr></thead><tbody>${obligations.map(
        (o) => html`<tr><td>${RULE_LABEL[o.rule] ?? o.rule}</td><td>${unitName(o.responsibleAgency)}</td><td>${beijingTime(o.startAt)}</td>
          <td>${beijingDeadline(o.dueAt)}${o.provisional ? '（暂定）' : ''}</td>
          <td>${o.status === 'open' ? '未完成' : o.late ? html`<span class="badge late">逾期完成</span>` : html`<span class="badge ok">按时完成</span>`}</td></tr>`,
      )}</tbody></table>
      <h3>督办与提醒</h3>
      <table id="alerts"><thead><tr><th>级别</th><th>内容</th><th>时间</th><th>处理</th></tr></thead><tbody>${alerts.map(
        (a) => html`<tr data-alert="${a.id}"><td>${LEVEL_LABEL[a.level] ?? a.level}</td><td>${a.summary}
            ${a.notes.map((n) => html`<div class="muted">${n.author}：${n.text}（${beijingTime(n.createdAt)}）</div>`)}</td>
          <td>${beijingTime(a.createdAt)}</td>
          <td>${a.acknowledgedAt
            ? html`已确认（${a.acknowledgedBy}）`
            : a.kind === 'escalation' && canAcknowledge
              ? html`<form method="post" action="/escalations/${a.id}/acknowledge">${csrfInput(signedInUser(req), `/escalations/${a.id}/acknowledge`)}<input type="hidden" name="back" value="/handoffs/${handoff.id}"><button type="submit">确认</button></form>`
              : '待处理'}</td></tr>`,
      )}</tbody></table>
      ${evidence
        ? html`<h3>证据日志</h3>
      <p class="muted">每一次状态变更与每一次读取当事人信息（谁、哪个单位、何时、为何），按单位逐条链式存证；完整性由 npm run audit:verify 核验。</p>
      <table id="evidence"><thead><tr><th>时间</th><th>单位</th><th>操作者</th><th>事项</th><th>事由</th><th>存证</th></tr></thead><tbody>${evidence.map(
        (e) => html`<tr data-evidence="${e.chain}#${e.seq}"><td>${beijingTime(new Date(e.at))}</td><td>${unitName(e.agency)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.reason}</td>
          <td class="muted">${e.chain}#${e.seq} ${e.hash.slice(0, 12)}</td></tr>`,
      )}</tbody></table>`
        : ''}`;
    res.type('html').send(page(`移送 ${handoff.caseRef}`, signedInUser(req), body));
  }
}
