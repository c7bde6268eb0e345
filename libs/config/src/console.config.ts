import { registerAs } from '@nestjs/config';
import { ConsoleEnv } from './console-env.dto.js';
import type { LogLevel } from './log-level.js';
import { validateEnv } from './validate-env.js';

export interface ConsoleSettings {
  logLevel: LogLevel;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  port: number;
  host: string;
  sessionTtlMinutes: number;
  loginAttemptsPerMinute: number;
  cookieSecure: boolean;
}

export function consoleSettingsFrom(env: Record<string, string | undefined>): ConsoleSettings {
  const raw = validateEnv(ConsoleEnv, env);
  return Object.freeze({
    logLevel: raw.LOG_LEVEL,
    databaseUrl: raw.DATABASE_URL,
    redisUrl: raw.REDIS_URL,
    queuePrefix: raw.QUEUE_PREFIX,
    port: raw.PORT,
    host: raw.HOST,
    sessionTtlMinutes: raw.SESSION_TTL_MINUTES,
    loginAttemptsPerMinute: raw.LOGIN_ATTEMPTS_PER_MINUTE,
    cookieSecure: raw.COOKIE_SECURE === 'true',
  });
}

/** The one place the console reads process.env; inject with @Inject(consoleConfig.KEY). */
export const consoleConfig = registerAs('console', (): ConsoleSettings => consoleSettingsFrom(process.env));
