import { registerAs } from '@nestjs/config';
import { useCryptoSuite } from '#security';
import { parseChromiumArgs } from '#browser';
import { ConsoleEnv } from './console-env.dto.js';
import type { LogLevel } from './log-level.js';
import { type QueueSettings, queueSettingsFrom } from './queue-settings.js';
import { validateEnv } from './validate-env.js';

export interface ConsoleSettings extends QueueSettings {
  logLevel: LogLevel;
  port: number;
  host: string;
  sessionTtlMinutes: number;
  loginAttemptsPerMinute: number;
  cookieSecure: boolean;
  /** CHROMIUM_PATH (null: found as #browser finds it) and CHROMIUM_ARGS */
  chromium: { path: string | null; args: string[] };
}

export function consoleSettingsFrom(env: Record<string, string | undefined>): ConsoleSettings {
  const raw = validateEnv(ConsoleEnv, env);
  useCryptoSuite(raw.CRYPTO_SUITE);
  return Object.freeze({
    logLevel: raw.LOG_LEVEL,
    ...queueSettingsFrom(raw),
    port: raw.PORT,
    host: raw.HOST,
    sessionTtlMinutes: raw.SESSION_TTL_MINUTES,
    loginAttemptsPerMinute: raw.LOGIN_ATTEMPTS_PER_MINUTE,
    cookieSecure: raw.COOKIE_SECURE === 'true',
    chromium: { path: raw.CHROMIUM_PATH || null, args: parseChromiumArgs(raw.CHROMIUM_ARGS) },
  });
}


/** The one place the console reads process.env; inject with @Inject(consoleConfig.KEY). */
export const consoleConfig = registerAs('console', (): ConsoleSettings => consoleSettingsFrom(process.env));
