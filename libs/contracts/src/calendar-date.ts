import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isIsoDate } from '#calendar';

/** A date without time of day, YYYY-MM-DD, that exists in the calendar (the rule is #calendar's isIsoDate). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => isIsoDate(value),
        defaultMessage: (args) => `${args?.property} must be a date written YYYY-MM-DD`,
      },
    });
}
