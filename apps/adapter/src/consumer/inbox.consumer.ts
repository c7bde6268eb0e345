import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type BusJobData, UNIT_MESSAGE_TYPES } from '#contracts';
import { type ConsumeOutcome, PropagateToBullMq } from '#bus';
import { InboxConsumerService } from './inbox-consumer.service.js';

/** Every message type of the bus lands in the unit's inbox (EventPattern takes a list of patterns). */
@Controller()
@UseFilters(PropagateToBullMq) // errors must reach BullMqServer as thrown (permanent vs retry)
export class InboxConsumer {
  constructor(private readonly consumer: InboxConsumerService) {}

  @EventPattern([...UNIT_MESSAGE_TYPES])
  receive(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.consumer.consume(job);
  }
}
