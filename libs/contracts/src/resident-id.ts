import { registerDecorator, type ValidationOptions } from 'class-validator';

// GB 11643-1999 citizen identification number: 6-digit area code, 8-digit birth date
// (YYYYMMDD), 3-digit sequence, 1 check character computed with ISO 7064 MOD 11-2.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

export type ResidentIdProblem = 'format' | 'birth-date' | 'check-digit';

/** Returns why `value` is not a valid resident ID number, or null when it is valid. */
export function residentIdProblem(value: string, today: Date = new Date()): ResidentIdProblem | null {
  if (!/^\d{17}[\dX]$/.test(value)) return 'format';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  const isRealDate = birth.getUTCFullYear() === year && birth.getUTCMonth() === month - 1 && birth.getUTCDate() === day;
  if (year < 1900 || !isRealDate || birth.getTime() > today.getTime()) return 'birth-date';
  return value[17] === residentIdCheckCharacter(value.slice(0, 17)) ? null : 'check-digit';
}

export function residentIdCheckCharacter(first17Digits: string): string {
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * Number(first17Digits[index]), 0);
  return CHECK_CHARACTERS[sum % 11];
}

export function isResidentId(value: unknown): boolean {
  return typeof value === 'string' && residentIdProblem(value) === null;
}

const PROBLEM_TEXT: Record<ResidentIdProblem, string> = {
  format: 'must be 18 characters: 17 digits and a digit or X',
  'birth-date': 'has no valid birth date in characters 7–14',
  'check-digit': 'fails the GB 11643 check digit',
};

/** class-validator decorator: a Chinese resident ID number (居民身份证号码). */
export function IsResidentId(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isResidentId',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => isResidentId(value),
        defaultMessage: (args) => {
          const problem = typeof args?.value === 'string' ? residentIdProblem(args.value) : 'format';
          return `${args?.property} ${PROBLEM_TEXT[problem ?? 'format']}`;
        },
      },
    });
}
