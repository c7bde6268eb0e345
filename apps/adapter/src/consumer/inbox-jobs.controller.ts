import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BusJobData, MessageType } from '#contracts';
import { type ConsumeOutcome, OnQueueJob } from '#bus';
import { InboxConsumerService } from './inbox-consumer.service.js';

/**
 * The unit's inbox queue: one handler per message type it carries (the transport refuses to start
 * with one missing). Every type is received the same way; the domain tells them apart.
 */
@Controller()
export class InboxJobsController {
  constructor(private readonly inbox: InboxConsumerService) {}

  @OnQueueJob(MessageType.JudicialReferral)
  judicialReferral(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.AdvanceReferral)
  advanceReferral(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.SocialLead)
  socialLead(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.UrgentMedicalNotice)
  urgentMedicalNotice(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.Receipt)
  receipt(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.ProcedureStarted)
  procedureStarted(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.Concluded)
  concluded(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }

  @OnQueueJob(MessageType.Feedback)
  feedback(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }
}
