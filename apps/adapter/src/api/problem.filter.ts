import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { Problem } from '#contracts';
import { HandoffForbiddenError, HandoffNotFoundError } from '#persistence';
import {
  IdempotencyConflictError,
  NotTheReceiverError,
  SenderNotAllowedError,
  StepOutOfOrderError,
} from '../handoffs/handoff.errors.js';

const DOMAIN_STATUS: [new (...args: never[]) => Error, number][] = [
  [HandoffNotFoundError, HttpStatus.NOT_FOUND],
  [HandoffForbiddenError, HttpStatus.FORBIDDEN],
  [SenderNotAllowedError, HttpStatus.FORBIDDEN],
  [NotTheReceiverError, HttpStatus.FORBIDDEN],
  [StepOutOfOrderError, HttpStatus.CONFLICT],
  [IdempotencyConflictError, HttpStatus.UNPROCESSABLE_ENTITY],
];

/**
 * Every error of the units' API is JSON: `{ statusCode, error, message, problems: [{ field, message }] }`,
 * so a unit's system can show each problem next to the field that caused it.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
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
    const known = DOMAIN_STATUS.find(([type]) => exception instanceof type);
    if (known) {
      const error = exception as Error & { step?: string };
      return { status: known[1], message: error.message, problems: [{ field: error.step ?? '', message: error.message }] };
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    return { status: 500, message: 'internal error', problems: [] };
  }
}
