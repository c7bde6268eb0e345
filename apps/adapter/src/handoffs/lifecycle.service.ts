import { Inject, Injectable, Logger } from '@nestjs/common';
import { instanceToPlain } from 'class-transformer';
import { CLOCK, type Clock } from '#config';
import { REPORTED_STEPS, type ReportedStep, reportStep } from '#handoffs';
import type { UnitStore } from '#persistence';
import type { ApiResult } from './api-result.js';

/** The steps of 第二十一条 the receiving unit reports: load (locked), decide, save, in the caller's unit of work. */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async report(store: UnitStore, handoffId: string, step: ReportedStep, payload: object): Promise<ApiResult> {
    const handoff = await store.handoffs.lockForUpdate(handoffId);
    const plain = instanceToPlain(payload) as never;
    const decision = reportStep(handoff, store.agency, step, plain, { now: this.clock.now(), newId: () => crypto.randomUUID() });
    await store.handoffs.recordSteps(decision);
    await store.messages.append(decision.messages);
    const message = decision.messages.find((m) => m.type === REPORTED_STEPS[step]);
    this.logger.log(`recorded ${step} handoff=${handoffId} message=${message?.id} by=${store.agency}`);
    return { status: 201, body: { handoffId, step, messageId: message?.id, occurredAt: message?.occurredAt } };
  }
}
