import { Injectable } from '@nestjs/common';
import { type CalendarSource, statutoryCalendar } from '#calendar';
import { CalendarYearRepository } from '#persistence';

/** The calendar the console counts "working time left" with: the same layers as the scheduler's. */
@Injectable()
export class BoardCalendar {
  constructor(private readonly years: CalendarYearRepository) {}

  async current(): Promise<CalendarSource> {
    return statutoryCalendar(await this.years.arrangements());
  }
}
