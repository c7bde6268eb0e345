import { Inject, Injectable, Logger } from '@nestjs/common';
import { instanceToPlain } from 'class-transformer';
import {
  CURRENT_SCHEMA_VERSION,
  type Envelope,
  MessageType,
  type Priority,
  requiredPredecessor,
  type Step,
} from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { HandoffRepository, MessageRepository, type Tx } from '#persistence';
import type { ApiResult } from './api-result.js';
import { NotTheReceiverError, StepOutOfOrderError } from './handoff.errors.js';

/** The steps of 第二十一条 the receiving unit reports, and the message each sends back to the sender. */
export const REPORTED_STEPS = {
  'procedure-started': MessageType.ProcedureStarted,
  concluded: MessageType.Concluded,
  'feedback-given': MessageType.Feedback,
} as const satisfies Partial<Record<Step, MessageType>>;
export type ReportedStep = keyof typeof REPORTED_STEPS;

@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);

  constructor(
    private readonly handoffs: HandoffRepository,
    private readonly messages: MessageRepository,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Records the step and writes its message to the sender, in the caller's transaction. */
  async report(tx: Tx, handoffId: string, step: ReportedStep, payload: object): Promise<ApiResult> {
    const agency = this.settings.agency;
    const handoff = await this.handoffs.lockVisible(tx, agency, handoffId);
    if (handoff.toAgency !== agency) throw new NotTheReceiverError(handoffId);
    const required = requiredPredecessor(step);
    if (handoff.currentStep !== required) throw new StepOutOfOrderError(step, handoff.currentStep, required);

    const now = this.clock.now();
    const plain = instanceToPlain(payload);
    const envelope: Envelope = {
      id: crypto.randomUUID(),
      type: REPORTED_STEPS[step],
      schemaVersion: CURRENT_SCHEMA_VERSION,
      from: agency,
      to: handoff.fromAgency as Envelope['to'],
      handoffId,
      caseRef: handoff.caseRef,
      correlationId: handoff.requestId,
      causationId: (await this.handoffs.stepMessageId(tx, agency, handoffId, required!)) ?? null,
      occurredAt: now.toISOString(),
      priority: handoff.priority as Priority,
      payload: plain as Envelope['payload'],
    };
    await this.handoffs.addStep(tx, agency, handoffId, { step, messageId: envelope.id, occurredAt: now, details: plain });
    await this.messages.writeWithOutbox(tx, agency, envelope);
    this.logger.log(`recorded ${step} handoff=${handoffId} message=${envelope.id} by=${agency}`);
    return { status: 201, body: { handoffId, step, messageId: envelope.id, occurredAt: envelope.occurredAt } };
  }
}
