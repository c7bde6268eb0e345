import type { Db } from './db.js';
import type { CalendarYear } from './generated/prisma/client.js';

/** Years of the statutory calendar loaded by the office, over the package's data. */
export class CalendarYearRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<CalendarYear[]> {
    return this.db.calendarYear.findMany({ orderBy: { year: 'asc' } });
  }

  /** The loaded years as the calendar takes them (libs/calendar's YearArrangement). */
  async arrangements(): Promise<{ year: number; holidays: string[]; makeupWorkdays: string[] }[]> {
    return (await this.list()).map(({ year, holidays, makeupWorkdays }) => ({ year, holidays, makeupWorkdays }));
  }

  async save(year: Omit<CalendarYear, 'loadedAt'>): Promise<void> {
    await this.db.calendarYear.upsert({ where: { year: year.year }, create: year, update: { ...year, loadedAt: new Date() } });
  }
}
