import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type BusJobData, MessageType } from '#contracts';
import { type ConsumeOutcome, PropagateToBullMq } from '#bus';
import { ObligationReconciler } from './obligation-reconciler.service.js';

/** The scheduler learns of every recorded step from the bus (queue scheduler.events). */
@Controller()
@UseFilters(PropagateToBullMq)
export class StepEventConsumer {
  constructor(private readonly reconciler: ObligationReconciler) {}

  @EventPattern(MessageType.StepRecorded)
  async stepRecorded(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    await this.reconciler.reconcile(job.handoffId, job.messageId);
    return 'processed';
  }
}
