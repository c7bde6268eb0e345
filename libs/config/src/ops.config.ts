import { registerAs } from '@nestjs/config';
import type { LogLevel } from './log-level.js';
import { type QueueSettings, queueSettingsFrom } from './queue-settings.js';
import { BusProcessEnv } from './bus-process-env.dto.js';
import { validateEnv } from './validate-env.js';

/** The operator CLI's settings: the bus's database and queues, as every app of the bus reads them. */
export class OpsEnv extends BusProcessEnv {}

export interface OpsSettings extends QueueSettings {
  logLevel: LogLevel;
}

export function opsSettingsFrom(env: Record<string, string | undefined>): OpsSettings {
  const raw = validateEnv(OpsEnv, env);
  return Object.freeze({ ...queueSettingsFrom(raw), logLevel: raw.LOG_LEVEL });
}

/** The one place `npm run ops` reads process.env. */
export const opsConfig = registerAs('ops', (): OpsSettings => opsSettingsFrom(process.env));
