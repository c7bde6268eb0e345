import { registerDecorator, type ValidationOptions } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/**
 * The largest sum of money the bus takes, in yuan (元): 20,000,000 yuan, the same bound as the
 * ledger's `amountFen` (2,000,000,000 fen). No assistance payment comes near it; a larger number is a
 * typing error or a probe, and below it every amount with two decimals is an exact number of fen.
 */
export const MAX_AMOUNT_YUAN = 20_000_000;

/**
 * A sum in yuan that is exact: a number greater than 0, at most MAX_AMOUNT_YUAN, with at most two
 * decimals (whole fen). JSON numbers are doubles: 9007199254740993 arrives as ...992 and 1.2e29 is no
 * payment; 1e-7 has "no decimals" as text (class-validator's maxDecimalPlaces reads `String(value)`),
 * so the check is that rounding to fen gives the number back.
 */
export function isYuanAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_AMOUNT_YUAN && Number(value.toFixed(2)) === value;
}

export function IsYuanAmount(options?: ValidationOptions): PropertyDecorator {
  const schema = JSONSchema({
    type: 'number',
    exclusiveMinimum: 0,
    maximum: MAX_AMOUNT_YUAN,
    description: `in yuan (元), at most two decimals (whole fen), greater than 0 and at most ${MAX_AMOUNT_YUAN.toLocaleString('en')}`,
  });
  return (target, propertyName) => {
    schema(target, String(propertyName));
    registerDecorator({
      name: 'isYuanAmount',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => isYuanAmount(value),
        defaultMessage: (args) => `${args?.property} must be an amount in yuan greater than 0 and at most ${MAX_AMOUNT_YUAN} with at most two decimals`,
      },
    });
  };
}
