import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type CalendarSource,
  type LayeredCalendar,
  statutoryCalendar,
  validateArrangement,
  type ArrangementProblem,
  type YearArrangement,
} from '#calendar';
import { CLOCK, type Clock } from '#config';
import { OfficeScope, type OfficeStore } from '#persistence';

const CALENDAR_REFRESH_MS = 60_000;

/** The years an upload may name: the package starts at 2004; a century ahead is plenty. */
export const UPLOAD_YEAR_RANGE = { minYear: 2004, maxYear: 2100 } as const;

export class InvalidCalendarUploadError extends Error {
  override readonly name = 'InvalidCalendarUploadError';
  constructor(readonly problems: readonly ArrangementProblem[]) {
    super(`the calendar upload is refused: ${problems.map((problem) => problem.message).join('; ')}`);
  }
}

/**
 * The statutory working-day calendar the scheduler counts with: the `chinese-days` package, with
 * the years the office loaded (a new year, or a corrected one) on top, from PostgreSQL — so the
 * 2027 arrangement needs no code change.
 */
@Injectable()
export class CalendarService implements OnModuleInit {
  private readonly logger = new Logger(CalendarService.name);
  private calendar: LayeredCalendar = statutoryCalendar();
  private loadedAt = 0;

  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  /**
   * The calendar as loaded at most a minute ago: a year loaded through another scheduler process
   * reaches this one within that minute, without a restart.
   */
  async current(): Promise<CalendarSource> {
    if (Date.now() - this.loadedAt > CALENDAR_REFRESH_MS) await this.reload();
    return this.calendar;
  }

  async reload(): Promise<void> {
    this.calendar = statutoryCalendar(await this.office.calendarYears.arrangements());
    this.loadedAt = Date.now();
  }

  /**
   * Validates one year and stores it in the caller's unit of work (refused whole, with its
   * reasons, if anything is wrong); returns the calendar that counts with it.
   */
  async save(office: OfficeStore, arrangement: YearArrangement, loadedBy: string): Promise<CalendarSource> {
    const problems = validateArrangement(arrangement, UPLOAD_YEAR_RANGE);
    if (problems.length > 0) throw new InvalidCalendarUploadError(problems);
    await office.calendarYears.save({
      year: arrangement.year,
      holidays: [...arrangement.holidays].sort(),
      makeupWorkdays: [...arrangement.makeupWorkdays].sort(),
      loadedBy,
    });
    this.logger.log(`calendar ${arrangement.year} saved by ${loadedBy} at ${this.clock.now().toISOString()}`);
    return statutoryCalendar(await office.calendarYears.arrangements());
  }

  async loadedYears() {
    return this.office.calendarYears.list();
  }
}
