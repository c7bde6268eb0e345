import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BusJobData, JOBS_BY_QUEUE_KIND } from '#contracts';
import { type ConsumeOutcome, OnQueueJobs } from '#bus';
import { InboxConsumerService } from './inbox-consumer.service.js';

/**
 * The unit's inbox queue: one handler for every message type the registry puts on it (a new inbox
 * type is handled here without a new method; the transport still refuses to start with a type
 * unhandled). Every type is received the same way; the domain tells them apart.
 */
@Controller()
export class InboxJobsController {
  constructor(private readonly inbox: InboxConsumerService) {}

  @OnQueueJobs(JOBS_BY_QUEUE_KIND.inbox)
  message(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return this.inbox.consume(job);
  }
}
