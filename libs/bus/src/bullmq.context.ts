import { BaseRpcContext } from '@nestjs/microservices';
import type { Job } from 'bullmq';

/** Handlers can reach the BullMQ job (attempt number, id) through @Ctx(). */
export class BullMqContext extends BaseRpcContext<[Job]> {
  getJob(): Job {
    return this.args[0];
  }
}
