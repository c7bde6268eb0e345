import { Injectable } from '@nestjs/common';
import { type CalendarSource, statutoryCalendar } from '#calendar';
import { OfficeScope } from '#persistence';

/** The calendar the console counts "working time left" with: the same layers as the scheduler's. */
@Injectable()
export class BoardCalendar {
  constructor(private readonly office: OfficeScope) {}

  async current(): Promise<CalendarSource> {
    return statutoryCalendar(await this.office.calendarYears.arrangements());
  }
}
