import { Injectable } from '@nestjs/common';
import type { AgencyCode, DeadLetterRecord } from '#contracts';
import { PrismaService } from './prisma.service.js';

@Injectable()
export class DeadLetterRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Once per (queue, job): a crash while dead-lettering and a second try record one row. */
  /** `owner`: the unit whose consumer gave up, or the scheduler. */
  async record(owner: AgencyCode | 'scheduler', entry: DeadLetterRecord): Promise<void> {
    await this.prisma.deadLetter.createMany({
      data: [{ id: crypto.randomUUID(), agency: owner, ...entry }],
      skipDuplicates: true,
    });
  }

}
