import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { unitName } from '#units';
import { beijingTime } from '#calendar';
import { CLOCK, type Clock } from '#config';
import { OFFICE_INBOX_KINDS } from '#deadlines';
import { OfficeScope } from '#persistence';
import { signedInUser } from '../auth/console-user.js';
import { csrfInput } from '../auth/csrf.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { html } from '../views/html.js';
import { LEVEL_LABEL } from '../views/labels.js';
import { page } from '../views/layout.js';

const LEVEL_ORDER = ['overdue-leader', 'overdue', 'office'];
const backTo = (back: unknown) => (typeof back === 'string' && /^\/(?!\/)/.test(back) ? back : '/escalations');

/** The joint-meeting office's inbox: open escalations by level; acknowledge, note, go to the handoff. */
// A server-rendered page: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller('escalations')
@UseGuards(RolesGuard)
export class EscalationInboxController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('office', 'operator')
  async inbox(@Req() req: Request, @Res() res: Response): Promise<void> {
    const open = await this.office.alerts.list({ kinds: [...OFFICE_INBOX_KINDS], open: true, limit: 500 });
    const byLevel = LEVEL_ORDER.map((level) => ({ level, alerts: open.filter((alert) => alert.level === level) })).filter((g) => g.alerts.length > 0);
    const canAct = signedInUser(req).role === 'office';
    const body = byLevel.length === 0
      ? html`<p>没有待处理的督办。</p>`
      : html`${byLevel.map(
          ({ level, alerts }) => html`<h3>${LEVEL_LABEL[level] ?? level}（${alerts.length}）</h3>
          <table class="escalations"><thead><tr><th>单位</th><th>内容</th><th>时间</th><th>处理</th></tr></thead><tbody>${alerts.map(
            (alert) => html`<tr data-alert="${alert.id}"><td>${unitName(alert.agency)}</td>
              <td>${alert.summary} ${alert.handoffId ? html`<a href="/handoffs/${alert.handoffId}">查看移送</a>` : ''}</td>
              <td>${beijingTime(alert.createdAt)}</td>
              <td>${canAct
                ? html`<form method="post" action="/escalations/${alert.id}/acknowledge">${csrfInput(signedInUser(req), `/escalations/${alert.id}/acknowledge`)}<button type="submit">确认</button></form>
                  <form method="post" action="/escalations/${alert.id}/notes">${csrfInput(signedInUser(req), `/escalations/${alert.id}/notes`)}<input name="text" placeholder="备注" required><button type="submit">添加备注</button></form>`
                : '—'}</td></tr>`,
          )}</tbody></table>`,
        )}`;
    res.type('html').send(page('督办提醒', signedInUser(req), body));
  }

  @Post(':id/acknowledge')
  @Roles('office')
  async acknowledge(@Param('id', ParseUUIDPipe) id: string, @Body() body: { back?: string }, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.office.alerts.acknowledge(id, signedInUser(req).username, this.clock.now());
    res.redirect(303, backTo(body.back));
  }

  @Post(':id/notes')
  @Roles('office')
  async note(@Param('id', ParseUUIDPipe) id: string, @Body() body: { text?: string; back?: string }, @Req() req: Request, @Res() res: Response): Promise<void> {
    const text = String(body.text ?? '').trim().slice(0, 2000);
    if (text) await this.office.alerts.addNote(id, signedInUser(req).username, text);
    res.redirect(303, backTo(body.back));
  }
}
