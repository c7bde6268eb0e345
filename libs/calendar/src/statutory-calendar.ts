import { ChineseDaysSource } from './chinese-days.source.js';
import { InMemoryCalendarSource } from './in-memory.source.js';
import { LayeredCalendar } from './layered-calendar.js';
import type { YearArrangement } from './year-arrangement.js';

/** The package's calendar with the office's uploaded arrangements on top of it. */
export function statutoryCalendar(uploaded: readonly YearArrangement[] = []): LayeredCalendar {
  return new LayeredCalendar([new ChineseDaysSource(), new InMemoryCalendarSource(uploaded)]);
}
