import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DELIVER_TO_UNIT_SYSTEM, type DeliveryJobData } from '#contracts';
import { type ConsumeOutcome, OnQueueJob, QueueJobContext } from '#bus';
import { WebhookDeliveryService } from './webhook-delivery.service.js';

/** The unit's delivery queue (webhook units only consume it): each job POSTs one inbox entry to the unit's system. */
@Controller()
export class DeliveryJobsController {
  constructor(private readonly delivery: WebhookDeliveryService) {}

  /** The attempt matters here: the last one marks the entry failed (第二十一条: the receiver must hear of it). */
  @OnQueueJob(DELIVER_TO_UNIT_SYSTEM)
  deliver(@Payload() data: DeliveryJobData, @Ctx() context: QueueJobContext): Promise<ConsumeOutcome> {
    return this.delivery.deliver(data, context.job);
  }
}
