import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { unitName } from '#units';
import { beijingDeadline, beijingTime } from '#calendar';
import { CLOCK, type Clock } from '#config';
import { HandoffNotFoundError, MEASURE_LABELS_ZH, MEASURE_STATUS_LABELS_ZH } from '#handoffs';
import { OfficeScope, type LedgerHandoff } from '#persistence';
import { signedInUser } from '../auth/console-user.js';
import { html } from '../views/html.js';
import { KIND_LABEL, RULE_LABEL, STEP_LABEL } from '../views/labels.js';
import { page } from '../views/layout.js';
import { yuan } from './evaluation-view.js';

/** How many visit duties the visits page lists. */
const VISITS_SHOWN = 500;

/**
 * 第二十五条 台账 and 跟踪回访 in the console: the ledger of the person of a handoff — every unit's
 * part for the office; for a unit's user, its own handoffs with its measures and, for a referral it
 * shares, the other units' steps only (第八条) — and the follow-up visits per unit (due, overdue,
 * done). No citizen field: the console holds no data key.
 */
// Server-rendered pages: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller()
export class LedgerPagesController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('ledger/:handoffId')
  async ledger(@Req() req: Request, @Param('handoffId', ParseUUIDPipe) handoffId: string, @Res() res: Response): Promise<void> {
    const user = signedInUser(req);
    let handoffs: LedgerHandoff[];
    try {
      handoffs = (await this.office.ledger.forHandoffPerson(handoffId)).own;
    } catch (error) {
      if (error instanceof HandoffNotFoundError) throw new NotFoundException('没有这件移送');
      throw error;
    }
    // Which measures a row shows: every unit's (the office), the unit's own, or none — another unit's
    // handoff of a shared referral shows its steps only (第八条), and its measures are not the unit's to read.
    let rows: (LedgerHandoff & { measuresShown: 'all' | 'own' | 'none' })[] = handoffs.map((h) => ({ ...h, measuresShown: 'all' }));
    if (user.role === 'unit') {
      const unit = user.agency;
      const mine = handoffs.filter((h) => h.from === unit || h.to === unit);
      // Someone else's person is simply not there for a unit's user.
      if (!mine.some((h) => h.handoffId === handoffId)) throw new NotFoundException('没有这件移送，或您无权查看');
      const shared = new Set(mine.map((h) => h.requestId));
      rows = handoffs
        .filter((h) => mine.includes(h) || shared.has(h.requestId))
        .map((h) => (mine.includes(h) ? { ...h, measures: h.measures.filter((m) => m.agency === unit), measuresShown: 'own' } : { ...h, measures: [], measuresShown: 'none' }));
    }
    const body = html`<p class="muted">同一当事人（按身份证号的密钥哈希关联，不存明文）在各单位的移送、办理环节与救助措施。${user.role === 'unit' ? '本单位参与的移送及本单位措施；同一移送中其他单位只显示办理环节，其救助措施不向本单位显示（并非未救助）。' : '联席会议办公室可见全部单位。'}</p>
      <table id="ledger"><thead><tr><th>案件编号</th><th>移送</th><th>办理环节</th><th>救助措施</th></tr></thead><tbody>${rows.map(
        (h) => html`<tr data-handoff="${h.handoffId}"><td><a href="/handoffs/${h.handoffId}">${h.caseRef}</a>${h.archived ? html` <span class="muted">（已归档）</span>` : ''}</td>
          <td>${KIND_LABEL[h.kind] ?? h.kind}<br>${unitName(h.from)} → ${unitName(h.to)}</td>
          <td>${h.steps.map((s) => html`${STEP_LABEL[s.step] ?? s.step} ${s.statedOn ?? beijingTime(s.at)}<br>`)}</td>
          <td>${h.measuresShown === 'none'
            ? html`<span class="muted measures-hidden">不向本单位显示</span>`
            : html`${h.measures.length === 0
                ? html`<span class="muted">${h.measuresShown === 'own' ? '本单位尚未记录措施' : '尚未记录措施'}</span>`
                : h.measures.map(
                    (m) => html`<div class="measure">${unitName(m.agency)}：${MEASURE_LABELS_ZH[m.kind] ?? m.kind}（${MEASURE_STATUS_LABELS_ZH[m.status] ?? m.status}，${m.decidedOn}${m.amountFen ? `，${yuan(m.amountFen)} 元${m.instalments ? `，分 ${m.instalments} 期` : ''}` : ''}）</div>`,
                  )}${h.measuresShown === 'own' ? html`<div class="muted measures-hidden">其他单位的措施不向本单位显示</div>` : ''}`}</td></tr>`,
      )}</tbody></table>`;
    res.type('html').send(page('台账', user, body));
  }

  @Get('visits')
  async visits(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = signedInUser(req);
    const now = this.clock.now();
    const duties = await this.office.obligations.followUpVisits(user.role === 'unit' ? user.agency : null, VISITS_SHOWN);
    const stateOf = (duty: (typeof duties)[number]) => (duty.status !== 'open' ? (duty.late ? 'done-late' : 'done') : duty.dueAt <= now ? 'overdue' : 'due');
    const label = { due: '待回访', overdue: html`<span class="badge late">逾期未回访</span>`, done: html`<span class="badge ok">已回访</span>`, 'done-late': html`<span class="badge late">逾期回访</span>` };
    const count = (state: string) => duties.filter((duty) => stateOf(duty) === state).length;
    const body = html`<p id="visits-summary">待回访 ${count('due')} · 逾期未回访 ${count('overdue')} · 已回访 ${count('done') + count('done-late')}（第二十五条：救助后 3 个月、6 个月各回访一次，绿色通道 1 个月、3 个月）</p>
      <table id="visits"><thead><tr><th>案件编号</th><th>单位</th><th>回访</th><th>期限</th><th>状态</th><th>台账</th></tr></thead><tbody>${duties.map(
        (duty) => html`<tr data-state="${stateOf(duty)}"><td><a href="/handoffs/${duty.handoffId}">${duty.caseRef}</a></td><td>${unitName(duty.responsibleAgency)}</td>
          <td>${RULE_LABEL[duty.rule] ?? duty.rule}</td><td>${beijingDeadline(duty.dueAt)}</td><td>${label[stateOf(duty)]}${duty.fulfilledAt ? html` <span class="muted">${beijingTime(duty.fulfilledAt)}</span>` : ''}</td>
          <td><a href="/ledger/${duty.handoffId}">查看</a></td></tr>`,
      )}</tbody></table>`;
    res.type('html').send(page('跟踪回访', user, body));
  }
}
