import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * A body that is not JSON is refused with 415 before anything reads it. Without this, body-parser
 * leaves a text/plain or form body unparsed and the handler would see no body at all.
 */
export function refuseNonJsonBodies(req: Request, res: Response, next: NextFunction): void {
  // req.is() is null when the request has no body, false when it has one of another type.
  if (req.is(['application/json', 'application/*+json']) === false) {
    res.status(415).json({
      statusCode: 415,
      error: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'send the body as JSON (Content-Type: application/json)',
      problems: [{ field: '', message: 'send the body as JSON (Content-Type: application/json)' }],
    });
    return;
  }
  next();
}

/** JSON bodies only, up to `limit` bytes (larger: 413); strict JSON (an object or an array at the top); no server details. */
export function useJsonBodies(app: NestExpressApplication, limit: number): void {
  hideServerDetails(app.getHttpAdapter().getInstance());
  app.use(refuseNonJsonBodies);
  app.useBodyParser('json', { limit, strict: true, type: ['application/json', 'application/*+json'] });
}

/**
 * No stack trace in any answer: every error goes through ProblemFilter, and should one escape to
 * Express's last handler, that handler prints stacks unless its app is in "production" (it reads
 * this setting, not NODE_ENV, per request). And no X-Powered-By advertising the framework.
 */
export function hideServerDetails(server: { set(setting: string, value: unknown): unknown; disable(setting: string): unknown }): void {
  server.set('env', 'production');
  server.disable('x-powered-by');
}
