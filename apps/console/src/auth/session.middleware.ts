import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SessionService, sessionTokenOf } from './session.service.js';

/**
 * The routes anyone may reach, written out in full: the sign-in page and the machines' endpoints.
 * Routing is case-sensitive and strict (bootstrap.ts), so a path is public exactly when it is routed
 * to one of these; any other spelling needs a session.
 */
const PUBLIC = new Set(['/login', '/health/live', '/health/ready', '/metrics', '/openapi.json', '/docs']);
/** Swagger UI's own files, under the description of the console's JSON endpoints. */
const isApiDescription = (path: string) => path.startsWith('/docs/');

/**
 * Authentication: every page needs a signed-in user; without one, a browser is sent to the sign-in
 * page and an API call (Bull Board's) gets 401. Runs before Bull Board's own router, which Nest mounts
 * as middleware. What the user may do is decided on the route it reaches: RolesGuard on the console's
 * routes, queueAccess on Bull Board's.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(private readonly sessions: SessionService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (PUBLIC.has(req.path) || isApiDescription(req.path)) return next();
    const user = await this.sessions.userOf(sessionTokenOf(req));
    if (!user) {
      if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html' && !req.path.includes('/api/')) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      } else {
        res.status(401).json({ statusCode: 401, error: 'UNAUTHORIZED', message: 'sign in first', problems: [] });
      }
      return;
    }
    req.user = user;
    next();
  }
}
