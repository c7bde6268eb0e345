import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BusJobData, MessageType, type OfficeAlertJobData, SEND_OFFICE_ALERT } from '#contracts';
import { type ConsumeOutcome, OnQueueJob } from '#bus';
import { AlertChannels } from './alerts/alert-channels.service.js';
import { ObligationReconciler } from './obligations/obligation-reconciler.service.js';

/** The scheduler's queues: step events (its clocks) and office alerts (its channels). */
@Controller()
export class SchedulerJobsController {
  constructor(
    private readonly reconciler: ObligationReconciler,
    private readonly channels: AlertChannels,
  ) {}

  /** A handoff moved on: its duties' clocks are planned again (written in batches). */
  @OnQueueJob(MessageType.StepRecorded)
  stepRecorded(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.reconciler.stepRecorded(job);
  }

  /** A reminder or escalation to send through its channels (the job names the alert, never its text). */
  @OnQueueJob(SEND_OFFICE_ALERT)
  officeAlert(@Payload() job: OfficeAlertJobData): Promise<ConsumeOutcome> {
    return this.channels.send(job.alertId);
  }
}
