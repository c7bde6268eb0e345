import type { CallHandler } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { plainToInstance } from 'class-transformer';
import { from, lastValueFrom } from 'rxjs';
import { IdempotencyConflictError } from '#handoffs';
import { HttpAnswer, HttpAnswerInterceptor } from '#http';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { IdempotencyInterceptor } from '../../apps/adapter/src/unit-of-work/idempotent.js';
import { judicialReferral } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter } from './support/medium-adapter.js';

/** The part of an Express request and response the interceptor reads and sets. */
function exchange(path: string, body: unknown, idempotencyKey?: string) {
  const headers: Record<string, string> = {};
  // The body's bytes as the JSON parser keeps them (verifyJsonBody), beside the parsed body.
  const request = { method: 'POST', path, body, rawBody: Buffer.from(JSON.stringify(body)), header: (name: string) => (name.toLowerCase() === 'idempotency-key' ? idempotencyKey : undefined) };
  const response = {
    statusCode: 201, // what Nest sets from the route's @HttpCode before the interceptors run
    headers,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    setHeader(name: string, value: string) {
      headers[name] = value;
      return this;
    },
  };
  return { request, response, context: new ExecutionContextHost([request, response]) };
}

/**
 * @Idempotent()'s interceptor on a real database (medium): the handler's writes and the stored
 * answer share one transaction (the unit of work, which the handler reaches through
 * AsyncLocalStorage); a replay never runs the handler; a key reused for another body is refused.
 */
describe('@Idempotent(): the Idempotency-Key and the unit of work (medium: real PostgreSQL)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let interceptor: IdempotencyInterceptor;

  beforeAll(async () => {
    // The recipient's adapter makes its data key when it starts: a referral's content key is sealed to it.
    bus = await startMediumBus('medium_idempotent', { units: ['procuratorate', 'civil-affairs'], driver, clock });
    ({ db } = bus);
    [procuratorate] = bus.adapters;
    interceptor = procuratorate.app.get(IdempotencyInterceptor);
  });

  afterAll(async () => {
    await bus?.close();
  });

  /** A handler as a route's would be: it opens a referral through the service, counting its runs. */
  function openingHandler(request: OpenJudicialReferralRequest, runs: { n: number }, fail?: Error): CallHandler<unknown> {
    return {
      handle: () =>
        from(
          (async () => {
            runs.n += 1;
            const opened = await procuratorate.opening.open('judicial-referral', request);
            if (fail) throw fail;
            return opened;
          })(),
        ),
    };
  }

  const call = (path: string, body: object, key: string | undefined, handler: CallHandler<unknown>) => {
    const http = exchange(path, body, key);
    return { http, answer: lastValueFrom(interceptor.intercept(http.context, handler)) };
  };

  const count = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(sql, params))[0].n;

  it('runs the handler in the unit of work and stores its answer in the same transaction; a replay answers it again without running the handler', async () => {
    const body = judicialReferral(['civil-affairs']);
    const request = plainToInstance(OpenJudicialReferralRequest, body);
    const key = crypto.randomUUID();
    const runs = { n: 0 };

    const first = call('/handoffs/judicial-referrals', body, key, openingHandler(request, runs));
    const answer = (await first.answer) as { handoffs: { id: string }[] };
    expect(first.http.response.statusCode).toBe(201);
    expect(first.http.response.headers).toEqual({});
    const [{ id }] = answer.handoffs;
    // One transaction wrote the handoff, its message's outbox row and the stored answer (rows of one transaction share its xmin).
    const [xmins] = await db.query<{ n: number }>(
      `SELECT count(DISTINCT x)::int AS n FROM (
         SELECT xmin::text AS x FROM "Handoff" WHERE id = $1
         UNION ALL SELECT o.xmin::text FROM "OutboxEntry" o JOIN "Message" m ON m.id = o."messageId" WHERE m."handoffId" = $1
         UNION ALL SELECT xmin::text FROM "IdempotencyRecord" WHERE agency = 'procuratorate' AND key = $2) rows`,
      [id, key],
    );
    expect(xmins.n).toBe(1);

    const again = call('/handoffs/judicial-referrals', body, key, openingHandler(request, runs));
    expect(await again.answer).toEqual(answer);
    expect(again.http.response.statusCode).toBe(201);
    expect(again.http.response.headers).toEqual({ 'Idempotent-Replayed': 'true' });
    expect(runs.n).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM "Handoff" WHERE "caseRef" = $1`, [body.caseRef])).toBe(1);
  });

  it('refuses the same key with another body, and does not run the handler', async () => {
    const body = judicialReferral(['civil-affairs']);
    const key = crypto.randomUUID();
    const runs = { n: 0 };
    await call('/handoffs/judicial-referrals', body, key, openingHandler(plainToInstance(OpenJudicialReferralRequest, body), runs)).answer;
    const other = judicialReferral(['civil-affairs']);
    await expect(call('/handoffs/judicial-referrals', other, key, openingHandler(plainToInstance(OpenJudicialReferralRequest, other), runs)).answer).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
    // The same body on another path is another request too.
    await expect(call('/handoffs/advance-referrals', body, key, openingHandler(plainToInstance(OpenJudicialReferralRequest, body), runs)).answer).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
    expect(runs.n).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM "Handoff" WHERE "caseRef" = $1`, [other.caseRef])).toBe(0);
  });

  it('a handler that fails after writing leaves no rows and no stored answer: the retry runs it again', async () => {
    const body = judicialReferral(['civil-affairs']);
    const request = plainToInstance(OpenJudicialReferralRequest, body);
    const key = crypto.randomUUID();
    const runs = { n: 0 };
    const failure = new Error('the handler fails after its writes');
    await expect(call('/handoffs/judicial-referrals', body, key, openingHandler(request, runs, failure)).answer).rejects.toBe(failure);
    expect(await count(`SELECT count(*)::int AS n FROM "Handoff" WHERE "caseRef" = $1`, [body.caseRef])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM "Message" WHERE "caseRef" = $1`, [body.caseRef])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM "IdempotencyRecord" WHERE agency = 'procuratorate' AND key = $1`, [key])).toBe(0);

    const retried = call('/handoffs/judicial-referrals', body, key, openingHandler(request, runs));
    await retried.answer;
    expect(retried.http.response.headers).toEqual({});
    expect(runs.n).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM "Handoff" WHERE "caseRef" = $1`, [body.caseRef])).toBe(1);
  });

  it('stores the status the handler answered with (an HttpAnswer’s, after its interceptor) and replays it', async () => {
    const key = crypto.randomUUID();
    const body = { caseRef: 'same-case' };
    const answered = (status: number): CallHandler<unknown> => ({ handle: () => from(Promise.resolve(new HttpAnswer({ ok: true }, { status }))) });
    const first = exchange('/registrations/investigations-ended', body, key);
    // @Idempotent() puts HttpAnswerInterceptor inside: it sets the status before the answer is stored.
    const inner = { handle: () => new HttpAnswerInterceptor().intercept(first.context, answered(200)) };
    expect(await lastValueFrom(interceptor.intercept(first.context, inner))).toEqual({ ok: true });
    const replay = exchange('/registrations/investigations-ended', body, key);
    expect(await lastValueFrom(interceptor.intercept(replay.context, answered(500)))).toEqual({ ok: true });
    expect(replay.response.statusCode).toBe(200);
    expect(replay.response.headers).toEqual({ 'Idempotent-Replayed': 'true' });
  });

  it('outside a unit of work, the store is refused rather than written without a transaction', () => {
    expect(() => procuratorate.unitOfWork.store).toThrow(/no unit of work is open/);
  });
});
