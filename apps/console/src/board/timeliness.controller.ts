import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { unitName } from '#units';
import { CLOCK, type Clock } from '#config';
import { OfficeScope } from '#persistence';
import { signedInUser, viewerOf } from '../auth/console-user.js';
import { html } from '../views/html.js';
import { page } from '../views/layout.js';
import { BoardCalendar } from './board-calendar.js';
import { periodStart, timelinessByUnit, type UnitTimeliness } from './timeliness.js';

/** A horizontal bar per unit: its share of duties done on time. Plain SVG, no script. */
function chart(rows: readonly UnitTimeliness[]) {
  const barHeight = 26;
  const labelWidth = 240;
  const width = 720;
  const height = rows.length * barHeight + 30;
  return html`<svg id="timeliness-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="按时办结率">
    ${rows.map((row, i) => {
      const y = i * barHeight + 10;
      const w = Math.round((width - labelWidth - 60) * row.onTimeShare);
      return html`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" font-size="13">${unitName(row.agency)}</text>
        <rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${barHeight - 8}" fill="${row.onTimeShare >= 0.9 ? '#2e7d32' : row.onTimeShare >= 0.6 ? '#ad5a00' : '#c0392b'}"></rect>
        <text x="${labelWidth + w + 6}" y="${y + 16}" font-size="13">${Math.round(row.onTimeShare * 100)}%</text>`;
    })}
  </svg>`;
}

// A server-rendered page: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller('timeliness')
export class TimelinessController {
  constructor(
    private readonly office: OfficeScope,
    private readonly calendar: BoardCalendar,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async show(@Req() req: Request, @Query('period') period: string | undefined, @Res() res: Response): Promise<void> {
    const chosen = period === 'year' ? 'year' : 'month';
    const fulfilled = await this.office.board.fulfilledSince(viewerOf(signedInUser(req)), periodStart(chosen, this.clock.now()));
    const rows = timelinessByUnit(fulfilled, await this.calendar.current());
    const body = html`<p><a href="/timeliness?period=month">本月</a> · <a href="/timeliness?period=year">本年</a>
        — 当前：${chosen === 'month' ? '本月' : '本年'}（按第十九条至第二十一条的各项期限统计已完成的义务）</p>
      ${rows.length === 0
        ? html`<p>本期尚无已完成的义务。</p>`
        : html`${chart(rows)}
          <table id="timeliness"><thead><tr><th>单位</th><th>已完成</th><th>按时完成</th><th>按时率</th><th>用时中位数（工作日）</th></tr></thead>
          <tbody>${rows.map(
            (row) => html`<tr><td>${unitName(row.agency)}</td><td>${row.done}</td><td>${row.onTime}</td>
              <td>${Math.round(row.onTimeShare * 100)}%</td><td>${row.medianWorkingDays}</td></tr>`,
          )}</tbody></table>`}`;
    res.type('html').send(page('办理时效', signedInUser(req), body));
  }
}
