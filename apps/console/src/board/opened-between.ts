import { endOfBeijingDay, startOfBeijingDay, type IsoDate } from '#calendar';
import type { BoardFilter } from '#persistence';

/**
 * The board's "opened from … to …" filter, both Beijing dates included: from 00:00 of `from` up to,
 * not including, 24:00 of `to` (`< endOfBeijingDay(to)`), so a handoff opened on the stroke of
 * midnight belongs to one day only and none is lost or counted twice across adjoining ranges.
 */
export function openedBetween(from: IsoDate | undefined, to: IsoDate | undefined): Pick<BoardFilter, 'openedFrom' | 'openedTo'> {
  return {
    openedFrom: from ? startOfBeijingDay(from) : undefined,
    // BoardFilter.openedTo is inclusive (`lte`). openedAt is kept to the millisecond
    // (Timestamptz(3)), so the millisecond before 24:00 is the same bound as `< endOfBeijingDay(to)`.
    openedTo: to ? new Date(endOfBeijingDay(to).getTime() - 1) : undefined,
  };
}
