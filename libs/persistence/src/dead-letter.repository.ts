import type { AgencyCode, DeadLetterRecord } from '#contracts';
import type { Db } from './db.js';

/** The permanent failures of one owner's consumers: a unit's, or the scheduler's. */
export class DeadLetterRepository {
  constructor(
    private readonly db: Db,
    private readonly owner: AgencyCode | 'scheduler',
  ) {}

  /** Once per (queue, job): a crash while dead-lettering and a second try record one row. */
  async record(entry: DeadLetterRecord): Promise<void> {
    await this.db.deadLetter.createMany({
      data: [{ id: crypto.randomUUID(), agency: this.owner, ...entry }],
      skipDuplicates: true,
    });
  }
}
