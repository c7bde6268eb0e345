import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { beijingDateOf } from '#calendar';
import { CLOCK, type Clock } from '#config';
import { evaluationPeriod, OfficeScope } from '#persistence';
import { signedInUser } from '../auth/console-user.js';
import { html } from '../views/html.js';
import { page } from '../views/layout.js';
import { evaluationLegend, evaluationTable, onTimeChart, trendChart } from './evaluation-view.js';

/**
 * 第二十三条, 第二十五条: the evaluation per unit and period (year, quarter, month) — the office sees
 * every unit, a unit's user its own row. Figures from EvaluationQueries (SQL on the statutory calendar).
 */
// A server-rendered page: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller('evaluation')
export class EvaluationPageController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async show(@Req() req: Request, @Query('period') requested: string | undefined, @Res() res: Response): Promise<void> {
    const user = signedInUser(req);
    const now = this.clock.now();
    const thisYear = beijingDateOf(now).slice(0, 4);
    const label = requested && evaluationPeriod(requested) ? requested : thisYear;
    const period = evaluationPeriod(label) ?? { from: `${thisYear}-01-01`, to: `${Number(thisYear) + 1}-01-01` };
    const unit = user.role === 'unit' && user.agency ? user.agency : undefined;
    const rows = await this.office.evaluation.byUnit(period, now, unit);
    const trend = await this.office.evaluation.monthlyTrend(Number(label.slice(0, 4)), unit);
    const body = html`<form class="filters" method="get" action="/evaluation">
        <label>期间（年 2026、季度 2026-Q4、月 2026-11）<input name="period" value="${label}" pattern="\\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?"></label>
        <button type="submit">查看</button></form>
      <p class="muted">${period.from} 至 ${period.to}（不含）。</p>
      ${rows.length === 0
        ? html`<p>本期尚无数据。</p>`
        : html`<p class="muted">各单位按时率（按期限义务计）</p>${onTimeChart(rows)}
          ${evaluationTable(rows)}${evaluationLegend()}`}
      <h3>${label.slice(0, 4)} 年各月接收移送</h3>
      ${trendChart(trend)}`;
    res.type('html').send(page('评估', user, body));
  }
}
