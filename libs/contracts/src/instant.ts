import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isIsoDate as isCalendarDate } from '#calendar';

// An instant names its zone: "2026-11-20T10:00:00" alone is 10:00 where? The clocks of 第二十条 ¶2
// run in hours, so a guess (the server's zone, UTC or Beijing) would move a deadline by up to 8 hours.
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** An ISO 8601 date and time with seconds optional and a zone required (Z or ±hh:mm), that exists. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match) return false;
  const [, date, hours, minutes, seconds = '00', , offsetHours = '00', offsetMinutes = '00'] = match;
  return (
    isCalendarDate(date) &&
    Number(hours) < 24 &&
    Number(minutes) < 60 &&
    Number(seconds) < 60 &&
    Number(offsetHours) <= 14 &&
    Number(offsetMinutes) < 60
  );
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: (args) => `${args?.property} must be a date and time with its zone, e.g. 2026-11-20T10:00:00+08:00`,
      },
    });
}
