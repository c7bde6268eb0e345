import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '#contracts';

/** A setting is missing or wrong: boot stops with a message naming each one. */
export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';
}

export function validateEnv<T extends object>(cls: ClassConstructor<T>, env: Record<string, string | undefined>): T {
  // An empty variable (FOO= in a compose file) means "not set", as it does for most tools.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const settings = plainToInstance(cls, set, { enableImplicitConversion: false, exposeDefaultValues: true });
  const problems = flattenValidationErrors(validateSync(settings, { whitelist: false }));
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  ${problem.field}: ${problem.message}`).join('\n');
    throw new InvalidConfigurationError(`invalid configuration:\n${lines}`);
  }
  return settings;
}

/** CLOCK_FILE moves "now" for tests and drills; a production process must never read it. */
export function refuseTestClockInProduction(raw: { CLOCK_FILE?: string }, env: Record<string, string | undefined>): void {
  if (raw.CLOCK_FILE && env.NODE_ENV === 'production') {
    throw new InvalidConfigurationError('invalid configuration:\n  CLOCK_FILE: refused when NODE_ENV=production');
  }
}
