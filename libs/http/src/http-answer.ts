import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

/**
 * What a route answers when its status or a header depends on the result: a status other than the
 * one its `@HttpCode` declares (a registration already there: 200, not 201), or a header computed
 * from the data (a document's hash). Routes return it instead of reaching for the response object;
 * `HttpAnswerInterceptor` applies it.
 */
export class HttpAnswer<T> {
  constructor(
    readonly body: T,
    readonly options: { status?: number; headers?: Readonly<Record<string, string>> } = {},
  ) {}
}

/** Sets an `HttpAnswer`'s status and headers on the response and sends its body; any other result passes as it is. */
@Injectable()
export class HttpAnswerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof HttpAnswer)) return result;
        if (result.options.status !== undefined) response.status(result.options.status);
        for (const [name, value] of Object.entries(result.options.headers ?? {})) response.setHeader(name, value);
        return result.body as unknown;
      }),
    );
  }
}
