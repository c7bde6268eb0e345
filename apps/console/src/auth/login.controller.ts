import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { consoleConfig, type ConsoleSettings } from '#config';
import { html } from '../views/html.js';
import { page } from '../views/layout.js';
import { SESSION_COOKIE, SessionService } from './session.service.js';

/** Only a local path may follow sign-in, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)/.test(next) ? next : '/handoffs';
}

// A server-rendered page: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller()
export class LoginController {
  constructor(
    private readonly sessions: SessionService,
    @Inject(consoleConfig.KEY) private readonly settings: ConsoleSettings,
  ) {}

  @Get('login')
  form(@Query('next') next: string | undefined, @Query('failed') failed: string | undefined, @Res() res: Response): void {
    res.type('html').send(
      page(
        '登录',
        null,
        html`<form method="post" action="/login" style="max-width:320px;display:flex;flex-direction:column;gap:8px">
          ${failed ? html`<p style="color:#c0392b">用户名或密码错误</p>` : ''}
          <input type="hidden" name="next" value="${safeNext(next)}">
          <label>用户名 <input name="username" autocomplete="username" required></label>
          <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
          <button type="submit">登录</button>
        </form>`,
      ),
    );
  }

  @Post('login')
  @UseGuards(ThrottlerGuard) // LOGIN_ATTEMPTS_PER_MINUTE per address: password guessing is slowed to a crawl
  async signIn(@Body() body: { username?: string; password?: string; next?: string }, @Res() res: Response): Promise<void> {
    const session = await this.sessions.signIn(String(body.username ?? ''), String(body.password ?? ''));
    if (!session) {
      res.redirect(303, `/login?failed=1&next=${encodeURIComponent(safeNext(body.next))}`);
      return;
    }
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict', // forms post only from the console's own pages
      secure: this.settings.cookieSecure,
      expires: session.expiresAt,
      path: '/',
    });
    res.redirect(303, safeNext(body.next));
  }

  @Post('logout')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.signOut(req.cookies?.[SESSION_COOKIE]);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  }
}
