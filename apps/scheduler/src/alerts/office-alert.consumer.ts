import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SEND_OFFICE_ALERT } from '#contracts';
import { type ConsumeOutcome, PropagateToBullMq } from '#bus';
import { AlertChannels } from './alert-channels.service.js';

@Controller()
@UseFilters(PropagateToBullMq)
export class OfficeAlertConsumer {
  constructor(private readonly channels: AlertChannels) {}

  @EventPattern(SEND_OFFICE_ALERT)
  send(@Payload() data: { alertId: string }): Promise<ConsumeOutcome> {
    return this.channels.send(data.alertId);
  }
}
