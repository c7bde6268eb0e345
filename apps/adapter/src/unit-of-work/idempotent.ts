import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, type RawBodyRequest, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { HttpAnswerInterceptor } from '#http';
import { IdempotentWrites } from './idempotent-writes.js';

/** Set on the stored answer to a request with the same Idempotency-Key. */
export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

/**
 * The interceptor of `@Idempotent()`: a request whose Idempotency-Key has an answer gets that
 * answer (its status and body, `Idempotent-Replayed: true`) and its handler does not run; otherwise
 * the handler runs in a unit of work (UnitOfWork: its transaction, shared by the writes that arrive
 * meanwhile) and its answer — the status its route declares (`@HttpCode`, or an `HttpAnswer`'s) and
 * the body it returns — is stored in that same transaction.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly writes: IdempotentWrites) {}

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<RawBodyRequest<Request>>();
    const response = http.getResponse<Response>();
    // The body's bytes as sent (verifyJsonBody, libs/http); a request without a body has none.
    const write = { idempotencyKey: request.header('idempotency-key'), method: request.method, path: request.path, body: request.rawBody ?? Buffer.alloc(0) };
    return defer(() =>
      // next.handle() is called inside the unit of work, so the handler runs in its async context
      // (Nest binds the handler's async scope where handle() is called).
      this.writes.run(write, async () => {
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        return { status: response.statusCode, body };
      }),
    ).pipe(
      map((answer) => {
        response.status(answer.status);
        if (answer.replayed) response.setHeader(IDEMPOTENT_REPLAYED, 'true');
        return answer.body;
      }),
    );
  }
}

/**
 * A write of the units' API: answered once per Idempotency-Key and run as one unit of work.
 * `HttpAnswerInterceptor` runs inside it, so the answer stored is the one sent.
 */
export const Idempotent = () => applyDecorators(UseInterceptors(IdempotencyInterceptor, HttpAnswerInterceptor));
