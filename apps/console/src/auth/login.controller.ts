import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { consoleConfig, type ConsoleSettings } from '#config';
import { randomBytes } from 'node:crypto';
import { html } from '../views/html.js';
import { page } from '../views/layout.js';
import { CSRF_FIELD, LOGIN_COOKIE } from './csrf.js';
import { csrfToken } from './csrf-token.js';
import { SESSION_COOKIE, SessionService, sessionTokenOf } from './session.service.js';

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
  form(@Query('next') next: string | undefined, @Query('failed') failed: string | undefined, @Req() req: Request, @Res() res: Response): void {
    // No session yet: the sign-in form's token is bound to a cookie of its own (login CSRF).
    let secret: unknown = req.cookies?.[LOGIN_COOKIE];
    if (typeof secret !== 'string' || !/^[\w-]{43}$/.test(secret)) {
      secret = randomBytes(32).toString('base64url');
      res.cookie(LOGIN_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: this.settings.cookieSecure, path: '/login', maxAge: 2 * 3600_000 });
    }
    res.type('html').send(
      page(
        '登录',
        null,
        html`<form method="post" action="/login" style="max-width:320px;display:flex;flex-direction:column;gap:8px">
          ${failed ? html`<p style="color:#c0392b">用户名或密码错误</p>` : ''}
          <input type="hidden" name="next" value="${safeNext(next)}">
          <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(secret as string, '/login')}">
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
    res.clearCookie(LOGIN_COOKIE, { path: '/login' });
    res.redirect(303, safeNext(body.next));
  }

  @Post('logout')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.signOut(sessionTokenOf(req));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  }
}
