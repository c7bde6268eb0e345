import { Injectable } from '@nestjs/common';
import type { CalendarYear } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

/** Years of the statutory calendar loaded by the office, over the package's data. */
@Injectable()
export class CalendarYearRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(): Promise<CalendarYear[]> {
    return this.prisma.calendarYear.findMany({ orderBy: { year: 'asc' } });
  }

  /** The loaded years as the calendar takes them (libs/calendar's YearArrangement). */
  async arrangements(): Promise<{ year: number; holidays: string[]; makeupWorkdays: string[] }[]> {
    return (await this.list()).map(({ year, holidays, makeupWorkdays }) => ({ year, holidays, makeupWorkdays }));
  }

  async save(tx: Tx, year: Omit<CalendarYear, 'loadedAt'>): Promise<void> {
    await tx.calendarYear.upsert({ where: { year: year.year }, create: year, update: { ...year, loadedAt: new Date() } });
  }
}
