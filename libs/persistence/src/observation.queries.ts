import { Injectable } from '@nestjs/common';
import type { UnitCode } from '#contracts';
import { boundedRead } from './bounded-query.js';
import { PrismaService } from './prisma.service.js';

/** The reads behind health checks and metrics: time-bounded, counts only, never a citizen's data. */
@Injectable()
export class ObservationQueries {
  constructor(private readonly prisma: PrismaService) {}

  /** `SELECT 1`: Terminus' Prisma indicator tries `$runCommandRaw` (MongoDB), which this client lacks. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  /** Handoffs by the step they reached: a unit's (sent or received), or every one. */
  async handoffsByStep(scope: 'all' | { agency: UnitCode }): Promise<{ step: string; count: number }[]> {
    const rows = await boundedRead(this.prisma, (db) =>
      scope === 'all'
        ? db.$queryRaw<{ step: string; count: bigint }[]>`
            SELECT "currentStep" AS step, count(*) AS count FROM "Handoff" GROUP BY 1`
        : db.$queryRaw<{ step: string; count: bigint }[]>`
            SELECT "currentStep" AS step, count(*) AS count FROM "Handoff"
            WHERE "fromAgency" = ${scope.agency} OR "toAgency" = ${scope.agency} GROUP BY 1`,
    );
    return rows.map((row) => ({ step: row.step, count: Number(row.count) }));
  }

  /** Open obligations past their due time, by the unit responsible. */
  async overdueByAgency(now: Date): Promise<{ agency: string; count: number }[]> {
    const rows = await boundedRead(
      this.prisma,
      (db) => db.$queryRaw<{ agency: string; count: bigint }[]>`
        SELECT "responsibleAgency" AS agency, count(*) AS count FROM "Obligation"
        WHERE status = 'open' AND "dueAt" < ${now} GROUP BY 1`,
    );
    return rows.map((row) => ({ agency: row.agency, count: Number(row.count) }));
  }
}
