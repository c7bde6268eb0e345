import { Inject, Injectable, Logger } from '@nestjs/common';
import type { YearArrangement } from '#calendar';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { ALERT_LEVELS, type AlertLevel, alertSchedule, calendarMissingKey, computeDue } from '#deadlines';
import { OfficeScope } from '#persistence';
import { DeadlineRuleBook } from '../obligations/deadline-rules.provider.js';
import { CalendarService } from './calendar.service.js';

/**
 * Loading a year, as one unit of work: validate and store it, recompute every deadline that was
 * counted into that year with weekends only, and close the office's "load the calendar" alert.
 */
@Injectable()
export class CalendarUploadService {
  private readonly logger = new Logger(CalendarUploadService.name);

  constructor(
    private readonly office: OfficeScope,
    private readonly calendar: CalendarService,
    private readonly rules: DeadlineRuleBook,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load(arrangement: YearArrangement, loadedBy: string): Promise<{ year: number; recomputed: number }> {
    const recomputed = await this.office.transaction(
      async (office) => {
        const calendar = await this.calendar.save(office, arrangement, loadedBy);
        const affected = await office.obligations.provisionalFor(arrangement.year);
        for (const obligation of affected) {
          const rule = this.rules.get(obligation.rule);
          if (!rule) continue;
          const due = computeDue(rule, obligation.startAt, calendar, obligation.greenChannel);
          const schedule = alertSchedule(rule, obligation.startAt, due.dueAt, calendar, {
            greenChannel: obligation.greenChannel,
            leaderAfterWorkingDays: this.settings.leaderAfterWorkingDays,
          });
          // Levels already sent stay sent; the next one moves with the new due time.
          const nextIndex = obligation.nextLevel ? ALERT_LEVELS.indexOf(obligation.nextLevel as AlertLevel) : -1;
          const next = nextIndex < 0 ? null : schedule.find((alert) => ALERT_LEVELS.indexOf(alert.level) >= nextIndex) ?? null;
          await office.obligations.recompute(obligation.id, {
            dueAt: due.dueAt,
            provisional: due.provisional,
            missingYears: due.missingYears,
            nextLevel: obligation.status === 'open' ? (next?.level ?? null) : null,
            nextActionAt: obligation.status === 'open' ? (next?.at ?? null) : null,
          });
          if (obligation.status === 'fulfilled' && obligation.fulfilledAt) await office.obligations.setLate(obligation.id, obligation.fulfilledAt > due.dueAt);
        }
        const missing = await office.alerts.list({ kinds: ['calendar-missing'], open: true, limit: 1000 });
        for (const alert of missing.filter((a) => a.dedupeKey === calendarMissingKey(arrangement.year))) {
          await office.alerts.acknowledge(alert.id, `calendar ${arrangement.year} loaded by ${loadedBy}`, this.clock.now());
        }
        return affected.length;
      },
      { timeoutMs: 60_000 },
    );
    await this.calendar.reload();
    this.logger.log(`calendar ${arrangement.year}: ${recomputed} provisional deadlines recomputed`);
    return { year: arrangement.year, recomputed };
  }
}
