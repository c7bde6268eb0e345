import { yearOf, type IsoDate } from './beijing-time.js';
import type { CalendarSource, DayKind } from './calendar-source.js';

/**
 * Sources stacked bottom first: for each year the topmost source that covers it answers alone, so an
 * uploaded correction replaces the package's whole year, including any holiday the correction drops.
 */
export class LayeredCalendar implements CalendarSource {
  constructor(private readonly layers: readonly CalendarSource[]) {}

  withLayer(top: CalendarSource): LayeredCalendar {
    return new LayeredCalendar([...this.layers, top]);
  }

  coveredYears(): ReadonlySet<number> {
    return new Set(this.layers.flatMap((layer) => [...layer.coveredYears()]));
  }

  dayKind(date: IsoDate): DayKind | undefined {
    const year = yearOf(date);
    for (let index = this.layers.length - 1; index >= 0; index--) {
      if (this.layers[index].coveredYears().has(year)) return this.layers[index].dayKind(date);
    }
    return undefined;
  }
}
