import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DELIVER_TO_UNIT_SYSTEM, type DeliveryJobData } from '#contracts';
import { BullMqContext, type ConsumeOutcome, PropagateToBullMq } from '#bus';
import { WebhookDeliveryService } from './webhook-delivery.service.js';

@Controller()
@UseFilters(PropagateToBullMq) // errors must reach BullMqServer as thrown (permanent vs retry)
export class WebhookDeliveryConsumer {
  constructor(private readonly delivery: WebhookDeliveryService) {}

  // Nest 12 types handler arguments after the payload as unknown; the transport passes a BullMqContext.
  @EventPattern(DELIVER_TO_UNIT_SYSTEM)
  deliver(@Payload() data: DeliveryJobData, @Ctx() context: unknown): Promise<ConsumeOutcome> {
    return this.delivery.deliver(data, (context as BullMqContext).getJob());
  }
}
