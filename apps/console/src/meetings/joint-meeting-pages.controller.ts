import { ApiExcludeController } from '@nestjs/swagger';
import { BadRequestException, Body, Controller, ForbiddenException, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { unitName } from '#units';
import { beijingDateOf, beijingTime } from '#calendar';
import { UNIT_CODES, IssueNoticeRequest, MEETING_KIND_LABELS_ZH, MEETING_KINDS, NOTICE_KIND_LABELS_ZH, NOTICE_KINDS, RecordMeetingRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { issueNotice, MeetingInFutureError, recordMeeting } from '#joint-meeting';
import { OfficeScope } from '#persistence';
import { signedInUser, type SignedInUser } from '../auth/console-user.js';
import { csrfInput } from '../auth/csrf.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { html, type SafeHtml } from '../views/html.js';
import { page } from '../views/layout.js';

/** A form's fields checked by the API's own DTO (class-validator): the console accepts nothing the API would refuse. */
async function checked<T extends object>(type: new () => T, fields: Record<string, unknown>): Promise<T> {
  const value = plainToInstance(type, fields);
  const problems = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  if (problems.length > 0) throw new BadRequestException(problems.map((p) => Object.values(p.constraints ?? {}).join('; ')).join('; '));
  return value;
}

/** A form field as text: a repeated or nested field (an array or object from the parser) is not text, and is refused as empty. */
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const lines = (value: unknown): string[] => text(value).split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
/** A field that may repeat (checkboxes): one value or several. */
const many = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]);

/**
 * 第二十二条 in the console: the office sends notices to every member unit and sees who has read them;
 * a unit's user reads its unit's notices and says so; the office files each meeting's minutes and
 * decisions under its year, with the units' requests for a meeting it took up (第二十三条).
 */
// Server-rendered pages: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller()
@UseGuards(RolesGuard)
export class JointMeetingPagesController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('notices')
  @Roles('office', 'unit')
  async notices(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = signedInUser(req);
    const body = user.role === 'unit' ? await this.unitNotices(user) : await this.officeNotices(user);
    res.type('html').send(page('通知', user, body));
  }

  @Post('notices')
  @Roles('office')
  async issue(@Body() form: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const request = await checked(IssueNoticeRequest, {
      kind: form.kind,
      title: text(form.title),
      body: text(form.body),
      ...(form.meetingOn ? { meetingOn: form.meetingOn } : {}),
      issuedBy: signedInUser(req).username,
    });
    await issueNotice(this.office, request, this.clock.now());
    res.redirect(303, '/notices');
  }

  @Post('notices/:id/read')
  @Roles('unit')
  async read(@Param('id', ParseUUIDPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = signedInUser(req);
    if (!user.agency) throw new ForbiddenException('a unit user without a unit');
    // The user's own unit's copy only: the unit is the signed-in user's, never the form's.
    if ((await this.office.jointMeeting.markRead(id, user.agency, `${user.username}（工作台）`, this.clock.now())) === 'none') throw new NotFoundException('没有这份通知');
    res.redirect(303, '/notices');
  }

  @Get('meetings')
  @Roles('office')
  async meetings(@Req() req: Request, @Query('year') requested: string | undefined, @Res() res: Response): Promise<void> {
    const user = signedInUser(req);
    const year = requested && /^\d{4}$/.test(requested) ? Number(requested) : Number(beijingDateOf(this.clock.now()).slice(0, 4));
    const [meetings, requests, marked] = await Promise.all([
      this.office.jointMeeting.meetings(year),
      this.office.jointMeeting.requests(year),
      this.office.jointMeeting.markedCases(year),
    ]);
    const caseRefs = new Map(marked.map((row) => [row.handoffId, row.caseRef]));
    const open = requests.filter((request) => !request.meetingId);
    const body = html`<form class="filters" method="get" action="/meetings"><label>年度 <input name="year" value="${year}" pattern="\\d{4}"></label><button type="submit">查看</button></form>
      <h3>${year} 年会议（${meetings.length}）</h3>
      ${meetings.length === 0
        ? html`<p>本年尚无会议记录。</p>`
        : html`<table id="meetings"><thead><tr><th>日期</th><th>会议</th><th>纪要</th><th>议定事项</th></tr></thead><tbody>${meetings.map(
            (m) => html`<tr data-meeting="${m.id}"><td>${m.heldOn}</td><td>${MEETING_KIND_LABELS_ZH[m.kind]}<br>${m.title}</td><td class="minutes">${m.minutes}</td>
              <td><ol>${m.decisions.map((d) => html`<li>${d}</li>`)}</ol></td></tr>`,
          )}</tbody></table>`}
      <h3>成员单位提请召开临时会议（${requests.length}）</h3>
      ${requests.length === 0
        ? html`<p>本年无提请。</p>`
        : html`<table id="meeting-requests"><thead><tr><th>单位</th><th>事由</th><th>提请研究的案件</th><th>提请时间</th><th>状态</th></tr></thead><tbody>${requests.map(
            (r) => html`<tr data-request="${r.id}"><td>${unitName(r.agency)}<br><span class="muted">${r.requestedBy}</span></td><td>${r.reason}</td>
              <td>${r.handoffIds.length === 0 ? '—' : r.handoffIds.map((id) => html`<a href="/handoffs/${id}">${caseRefs.get(id) || id}</a><br>`)}</td>
              <td>${beijingTime(r.requestedAt)}</td><td>${r.meetingId ? '已研究' : '待研究'}</td></tr>`,
          )}</tbody></table>`}
      <h3>记录会议纪要</h3>
      <form id="record-meeting" method="post" action="/meetings">${csrfInput(user, '/meetings')}
        <label>会议 <select name="kind">${MEETING_KINDS.map((kind) => html`<option value="${kind}">${MEETING_KIND_LABELS_ZH[kind]}</option>`)}</select></label>
        <label>日期 <input type="date" name="heldOn" required></label>
        <label>名称 <input name="title" required maxlength="100"></label><br>
        <label>纪要<br><textarea name="minutes" rows="5" cols="80" required></textarea></label><br>
        <label>议定事项（每行一项）<br><textarea name="decisions" rows="4" cols="80"></textarea></label><br>
        ${open.length === 0 ? '' : html`<fieldset><legend>本次会议研究的提请</legend>${open.map(
          (r) => html`<label><input type="checkbox" name="requestIds" value="${r.id}"> ${unitName(r.agency)}：${r.reason}</label><br>`,
        )}</fieldset>`}
        <button type="submit">保存</button></form>`;
    res.type('html').send(page('联席会议', user, body));
  }

  @Post('meetings')
  @Roles('office')
  async record(@Body() form: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const request = await checked(RecordMeetingRequest, {
      kind: form.kind,
      heldOn: form.heldOn,
      title: text(form.title),
      minutes: text(form.minutes),
      decisions: lines(form.decisions),
      requestIds: many(form.requestIds),
      recordedBy: signedInUser(req).username,
    });
    try {
      await recordMeeting(this.office, request, this.clock.now());
    } catch (error) {
      if (error instanceof MeetingInFutureError) throw new BadRequestException('会议日期不能晚于今天：纪要记录已召开的会议');
      throw error;
    }
    res.redirect(303, `/meetings?year=${request.heldOn.slice(0, 4)}`);
  }

  private async officeNotices(user: SignedInUser): Promise<SafeHtml> {
    const notices = await this.office.jointMeeting.notices(100);
    return html`<h3>发送通知（第二十二条）</h3>
      <form id="issue-notice" method="post" action="/notices">${csrfInput(user, '/notices')}
        <label>类别 <select name="kind">${NOTICE_KINDS.map((kind) => html`<option value="${kind}">${NOTICE_KIND_LABELS_ZH[kind]}</option>`)}</select></label>
        <label>标题 <input name="title" required maxlength="100"></label>
        <label>会议日期（会议通知） <input type="date" name="meetingOn"></label><br>
        <label>正文<br><textarea name="body" rows="5" cols="80" required maxlength="5000"></textarea></label><br>
        <button type="submit">发送至全部 ${UNIT_CODES.length} 个成员单位联络人</button></form>
      <h3>已发通知</h3>
      ${notices.length === 0
        ? html`<p>尚未发送通知。</p>`
        : html`<table id="notices"><thead><tr><th>发送时间</th><th>通知</th><th>已阅</th><th>未阅单位</th></tr></thead><tbody>${notices.map((n) => {
            const read = n.copies.filter((copy) => copy.readAt);
            const unread = n.copies.filter((copy) => !copy.readAt);
            return html`<tr data-notice="${n.id}"><td>${beijingTime(n.issuedAt)}</td>
              <td>${NOTICE_KIND_LABELS_ZH[n.kind]}：<b>${n.title}</b>${n.meetingOn ? html`（会议日期 ${n.meetingOn}）` : ''}<br><span class="muted">${n.issuedBy}</span></td>
              <td class="read-count">${read.length}/${n.copies.length}<details><summary>阅知情况</summary>${read.map((copy) => html`${unitName(copy.agency)}：${copy.readBy}，${beijingTime(copy.readAt as Date)}<br>`)}</details></td>
              <td class="unread">${unread.map((copy) => unitName(copy.agency)).join('、') || '—'}</td></tr>`;
          })}</tbody></table>`}`;
  }

  private async unitNotices(user: SignedInUser): Promise<SafeHtml> {
    const agency = user.agency;
    if (!agency) throw new ForbiddenException('a unit user without a unit');
    const notices = await this.office.jointMeeting.noticesSentTo(agency, 100);
    return html`<p class="muted">联席会议办公室发给${unitName(agency)}的通知。阅知后请点击“已阅”，办公室可见阅知情况。</p>
      ${notices.length === 0
        ? html`<p>暂无通知。</p>`
        : html`<table id="notices"><thead><tr><th>发送时间</th><th>通知</th><th>阅知</th></tr></thead><tbody>${notices.map(
            (n) => html`<tr data-notice="${n.id}"><td>${beijingTime(n.issuedAt)}</td>
              <td>${NOTICE_KIND_LABELS_ZH[n.kind]}：<b>${n.title}</b>${n.meetingOn ? html`（会议日期 ${n.meetingOn}）` : ''}<p>${n.body}</p></td>
              <td>${n.readAt
                ? html`已阅（${n.readBy}，${beijingTime(n.readAt)}）`
                : html`<form method="post" action="/notices/${n.id}/read">${csrfInput(user, `/notices/${n.id}/read`)}<button type="submit">已阅</button></form>`}</td></tr>`,
          )}</tbody></table>`}`;
  }
}
