import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { hostileInputProblems } from './hostile-input.js';
import type { Problem } from './problem.js';

export type { Problem } from './problem.js';

export function flattenValidationErrors(errors: ValidationError[], parentPath = ''): Problem[] {
  return errors.flatMap((error) => {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** The same rules the HTTP API applies: unknown properties are refused, not silently dropped. */
export const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

export function validatePlain<T extends object>(cls: ClassConstructor<T>, plain: unknown): Validated<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, problems: [{ field: '', message: 'must be a JSON object' }] };
  }
  const hostile = hostileInputProblems(plain);
  if (hostile.length > 0) return { ok: false, problems: hostile };
  const instance = plainToInstance(cls, plain);
  const problems = flattenValidationErrors(validateSync(instance, VALIDATOR_OPTIONS));
  return problems.length === 0 ? { ok: true, value: instance } : { ok: false, problems };
}
