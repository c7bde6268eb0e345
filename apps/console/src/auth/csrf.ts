import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { html, type SafeHtml } from '../views/html.js';
import type { SignedInUser } from './console-user.js';
import { csrfToken } from './csrf-token.js';
import { SESSION_COOKIE } from './session.service.js';

/** Before sign-in there is no session: the sign-in form's token is bound to this cookie instead. */
export const LOGIN_COOKIE = 'bus_login';
export const CSRF_FIELD = '_csrf';

/** The hidden field a form of the signed-in user carries. */
export function csrfInput(user: SignedInUser, action: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${user.csrf(action)}">`;
}

function matches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Every state-changing request to the console's own routes carries the token of its form
 * (第二十四条). SameSite=Strict cookies already keep other sites' forms out; this also holds against
 * a browser or proxy that ignores SameSite. Bull Board's API, which cannot carry a form token, is
 * held to same-origin requests by its own middleware (queue-access.ts).
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
    const secret: unknown = req.user ? req.cookies?.[SESSION_COOKIE] : req.path === '/login' ? req.cookies?.[LOGIN_COOKIE] : undefined;
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof secret !== 'string' || !secret || !matches(body?.[CSRF_FIELD], csrfToken(secret, req.path))) {
      throw new ForbiddenException('this form is out of date or did not come from the console: reload the page and try again');
    }
    return true;
  }
}
