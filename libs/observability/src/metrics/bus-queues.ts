import { UNIT_CODES, allBusQueueNames } from '#contracts';

/** Every queue of one bus: each unit's inbox and delivery queue, the scheduler's, the office's, dead letters. */
export function everyBusQueue(): string[] {
  return allBusQueueNames(UNIT_CODES);
}
