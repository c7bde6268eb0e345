import { Inject, Injectable, Logger } from '@nestjs/common';
import { instanceToPlain } from 'class-transformer';
import { CLOCK, type Clock } from '#config';
import type { AdvancePaymentDecisionPayloadV1, FollowUpVisitPayloadV1, Step } from '#contracts';
import { decideAdvancePayment, type ProposedRecipient, recordFollowUpVisit, REPORTED_STEPS, type ReportedStep, reportStep } from '#handoffs';
import type { RecordFollowUpVisitRequest } from '../api/open-handoff.dto.js';
import { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { type ForwardedTexts, followOnRequest, proposeForVisit } from './follow-on.js';
import { HandoffOpeningService, type OpenedHandoffs } from './handoff-opening.service.js';

/** A step the unit recorded, and the message that carries it to the other party. */
export interface StepRecorded {
  handoffId: string;
  step: Step;
  messageId: string | undefined;
  occurredAt: string | undefined;
}

/** A follow-up visit recorded: the units its further needs point to, and the handoff it opened for them, if asked. */
export interface FollowUpVisitRecorded extends StepRecorded {
  proposedRecipients: ProposedRecipient[];
  followOn?: OpenedHandoffs & { forwarded: ForwardedTexts };
}

/** The steps of 第二十一条 the receiving unit reports: load (locked), decide, save, in the caller's unit of work. */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly opening: HandoffOpeningService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async report(handoffId: string, step: ReportedStep, payload: object): Promise<StepRecorded> {
    const store = this.unitOfWork.store;
    const handoff = await store.handoffs.lockForUpdate(handoffId);
    const plain = instanceToPlain(payload) as never;
    const decision = reportStep(handoff, store.agency, step, plain, { now: this.clock.now(), newId: () => crypto.randomUUID() });
    await store.save(decision);
    const message = decision.messages.find((m) => m.type === REPORTED_STEPS[step]);
    this.logger.debug(`recorded ${step} handoff=${handoffId} message=${message?.id} by=${store.agency}`);
    return { handoffId, step, messageId: message?.id, occurredAt: message?.occurredAt };
  }

  /**
   * 第二十条 ¶2 "人民检察院可以先行救助": the procuratorate records whether it paid first on an urgent
   * medical notice it received (its own step; a "yes" starts the paperwork duty, 补办手续).
   */
  async decideAdvancePayment(handoffId: string, payload: AdvancePaymentDecisionPayloadV1): Promise<StepRecorded> {
    const store = this.unitOfWork.store;
    const handoff = await store.handoffs.lockForUpdate(handoffId);
    const plain = instanceToPlain(payload) as AdvancePaymentDecisionPayloadV1;
    const now = this.clock.now();
    const decision = decideAdvancePayment(handoff, store.agency, plain, { now, newId: () => crypto.randomUUID() });
    await store.save(decision);
    const [step] = decision.steps;
    this.logger.debug(`recorded advance-payment-decided handoff=${handoffId} paidFirst=${plain.paidFirst} by=${store.agency}`);
    return { handoffId, step: step.step, messageId: step.messageId, occurredAt: now.toISOString() };
  }

  /**
   * 第二十五条 "跟踪回访": the unit that helped the person records a follow-up visit (the first, then the
   * second), which fulfils the visit duty the scheduler reminds and escalates. Needs the person still
   * has come back with the units they point to (第十条–第十八条), for the referral or lead that follows.
   */
  async recordFollowUpVisit(handoffId: string, payload: FollowUpVisitPayloadV1 | RecordFollowUpVisitRequest): Promise<FollowUpVisitRecorded> {
    const store = this.unitOfWork.store;
    const handoff = await store.handoffs.lockForUpdate(handoffId);
    // The follow-on handoff is not part of the visit's record: it is opened as a handoff of its own.
    const { followOn, ...plain } = instanceToPlain(payload) as RecordFollowUpVisitRequest;
    const now = this.clock.now();
    const decision = recordFollowUpVisit(handoff, store.agency, plain, { now, newId: () => crypto.randomUUID() });
    await store.save(decision);
    const [step] = decision.steps;
    this.logger.log(`recorded ${step.step} handoff=${handoffId} situation=${plain.situationAfter} by=${store.agency}`);
    const needs = plain.furtherNeeds ?? [];
    // The needs route by the visited person's groups too (第十七条: minors, women, elders), as the unit holds them.
    const visited = needs.length > 0 || followOn ? await store.handoffs.findVisible(handoffId) : null;
    const proposed = visited ? proposeForVisit(store.agency, visited, needs) : [];
    const recorded: FollowUpVisitRecorded = { handoffId, step: step.step, messageId: step.messageId, occurredAt: now.toISOString(), proposedRecipients: proposed };
    if (followOn && visited) {
      // 第二十五条 "跟踪回访" → 第二十条 ¶1 / 第十九条: the needs found open the next handoff in the same unit of work.
      const { opening, forwarded } = await followOnRequest(store.agency, visited, plain, followOn, proposed);
      recorded.followOn = { ...(await this.opening.open(opening.kind, opening.request)), forwarded };
    }
    return recorded;
  }
}
