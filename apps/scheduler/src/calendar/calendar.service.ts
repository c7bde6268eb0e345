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
import { CalendarYearRepository, PrismaService } from '#persistence';

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

  constructor(
    private readonly prisma: PrismaService,
    private readonly years: CalendarYearRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  current(): CalendarSource {
    return this.calendar;
  }

  async reload(): Promise<void> {
    const loaded = await this.years.list();
    this.calendar = statutoryCalendar(loaded.map(({ year, holidays, makeupWorkdays }) => ({ year, holidays, makeupWorkdays })));
  }

  /**
   * Validates and stores one year; refused whole, with its reasons, if anything is wrong. Returns
   * the calendar as it now stands, for the caller to recompute what was provisional.
   */
  async load(arrangement: YearArrangement, loadedBy: string): Promise<void> {
    const problems = validateArrangement(arrangement, UPLOAD_YEAR_RANGE);
    if (problems.length > 0) throw new InvalidCalendarUploadError(problems);
    // Checked against the calendar it will join: building it throws on anything the layer refuses.
    statutoryCalendar([arrangement]);
    await this.prisma.$transaction((tx) =>
      this.years.save(tx, {
        year: arrangement.year,
        holidays: [...new Set(arrangement.holidays)].sort(),
        makeupWorkdays: [...new Set(arrangement.makeupWorkdays)].sort(),
        loadedBy,
      }),
    );
    await this.reload();
    this.logger.log(`calendar ${arrangement.year} loaded by ${loadedBy} at ${this.clock.now().toISOString()}`);
  }

  async loadedYears() {
    return this.years.list();
  }
}
