import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { Problem } from '#contracts';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** Seconds a client is asked to wait when the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Which HTTP status each domain error of an app maps to. */
export type DomainErrorStatuses = readonly (readonly [new (...args: never[]) => Error, number])[];

/**
 * Every error of the bus's HTTP APIs is JSON: `{ statusCode, error, message, problems: [{ field, message }] }`,
 * so a caller's system can show each problem next to the field that caused it.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(private readonly domainStatuses: DomainErrorStatuses = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (isDatabaseUnavailable(exception)) {
      // Nothing was written; the same request (with its Idempotency-Key) will work once PostgreSQL is back.
      this.logger.warn(`database unavailable: ${exception instanceof Error ? exception.message.split('\n')[0] : String(exception)}`);
      response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      const message = 'the database is unavailable; nothing was written, try again later';
      response.status(503).json({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message, problems: [{ field: '', message }] });
      return;
    }
    const { status, message, problems } = this.describe(exception);
    response.status(status).json({ statusCode: status, error: HttpStatus[status] ?? 'ERROR', message, problems });
  }

  private describe(exception: unknown): { status: number; message: string; problems: Problem[] } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && Array.isArray((body as { problems?: unknown }).problems)) {
        const { message, problems } = body as { message: string; problems: Problem[] };
        return { status, message, problems };
      }
      const raw = typeof body === 'string' ? body : (body as { message?: string | string[] }).message ?? exception.message;
      const messages = Array.isArray(raw) ? raw : [raw];
      return { status, message: messages.join('; '), problems: messages.map((text) => ({ field: '', message: text })) };
    }
    const known = this.domainStatuses.find(([type]) => exception instanceof type);
    if (known) {
      const error = exception as Error & { step?: string; problems?: { field?: string; date?: string; message: string }[] };
      const problems = error.problems
        ? error.problems.map((problem) => ({ field: problem.field ?? problem.date ?? '', message: problem.message }))
        : [{ field: error.step ?? '', message: error.message }];
      return { status: known[1], message: error.message, problems };
    }
    // Errors of Express middleware (body-parser: 413 too large, 415 charset, 400 bad encoding) carry
    // an HTTP status of their own; their messages are written to be shown (http-errors' `expose`).
    const client = clientErrorOf(exception);
    if (client) return { status: client.status, message: client.message, problems: [{ field: '', message: client.message }] };
    // Anything else is the bus's fault: logged with its stack, answered without it.
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    return { status: 500, message: 'internal error', problems: [] };
  }
}

function clientErrorOf(exception: unknown): { status: number; message: string } | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const { status, statusCode, expose, message } = exception as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || code < 400 || code > 499) return null;
  return { status: code, message: expose === true && typeof message === 'string' ? message : (HttpStatus[code] ?? 'bad request').toLowerCase().replaceAll('_', ' ') };
}
