import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE, SessionService } from './session.service.js';

/** Paths anyone may reach: the sign-in page, the machines' endpoints, and the API's description. */
const PUBLIC = [/^\/login$/, /^\/health(\/|$)/, /^\/metrics$/, /^\/assets\//, /^\/openapi\.json$/, /^\/docs(\/|$|-)/];

/**
 * Every page needs a signed-in user; without one, a browser is sent to the sign-in page and an API
 * call (Bull Board's) gets 401. Runs before Bull Board's own router, which Nest mounts as middleware.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(private readonly sessions: SessionService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (PUBLIC.some((pattern) => pattern.test(req.path))) return next();
    const user = await this.sessions.userOf(req.cookies?.[SESSION_COOKIE]);
    if (!user) {
      if (req.method === 'GET' && !req.path.includes('/api/')) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      } else {
        res.status(401).json({ statusCode: 401, message: 'sign in first' });
      }
      return;
    }
    req.user = user;
    // Bull Board: retry, clean, promote, remove… are operators' alone; others only look (issue: read-only).
    if (req.path.startsWith('/queues') && req.method !== 'GET' && user.role !== 'operator') {
      res.status(403).json({ statusCode: 403, message: 'only operators change queues' });
      return;
    }
    next();
  }
}
