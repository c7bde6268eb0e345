import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AdapterSettings, adapterSettingsFrom, adapterUnitEnvs, assertUnitsSeparate, InvalidConfigurationError, type UnitEnv, unitEnvPrefix } from '#config';
import { EvictingRedisError, QUEUE_POOL_PER_APP, selectQueueBackend } from '#bus';
import type { UnitCode } from '#contracts';
import { assertDatabaseUrlLogin, unitDatabaseLogin } from '#persistence';
import { startAdapterApp } from './bootstrap.js';

/**
 * Several units' adapters in one Node process, for a small site (ADAPTER_UNITS; docs/configuration.md): the Node, Nest, Prisma and BullMQ code is loaded once, while each unit keeps
 * its own Nest application — its port, API keys, signing key, webhook, queues, Prisma client and
 * database login (row-level security binds each to its unit, 第二十四条). Nothing is shared between
 * the applications but the process, its log stream and, with QUEUE_BACKEND=postgres, the pool of
 * BullMQ's tables (which act as the role bus_queues for every app; no unit's rows live there).
 */
export async function startAdapterUnits(env: UnitEnv): Promise<NestExpressApplication[]> {
  const units = configuredUnits(env);
  const settings = [...units.values()].map((unit) => unit.settings);
  // Each unit's login before anything connects with it (the queue backend connects first).
  for (const unit of settings) {
    try {
      assertDatabaseUrlLogin(unit.databaseUrl, unitDatabaseLogin(unit.agency));
    } catch (error) {
      throw new Error(`${unit.agency}: ${error instanceof Error ? error.message : String(error)} (its own settings are ${unitEnvPrefix(unit.agency)}*)`, { cause: error });
    }
  }
  await selectSharedQueueBackend(settings);
  const sharedBy = settings.map((unit) => ({ agency: unit.agency, port: unit.port }));

  const apps: NestExpressApplication[] = [];
  stopAllOnSignal(apps);
  for (const [agency, unit] of units) {
    try {
      // One after another: the boot's peak memory is one app's, and a refusal names its unit.
      apps.push(await startAdapterApp(unit.env, { shutdownHooks: false, sharedBy }));
    } catch (error) {
      await Promise.allSettled(apps.map((app) => app.close()));
      throw new Error(`${agency}: ${error instanceof Error ? error.message : String(error)} (its own settings are ${unitEnvPrefix(agency)}*)`, { cause: error });
    }
  }
  return apps;
}

/** Each unit's environment and settings; a bad or shared setting stops the process naming it. */
function configuredUnits(env: UnitEnv): Map<UnitCode, { env: UnitEnv; settings: AdapterSettings }> {
  try {
    const units = new Map([...adapterUnitEnvs(env)].map(([agency, own]) => [agency, { env: own, settings: settingsOf(agency, own) }]));
    assertUnitsSeparate([...units.values()].map((unit) => unit.settings));
    return units;
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function settingsOf(agency: UnitCode, env: UnitEnv): AdapterSettings {
  try {
    return adapterSettingsFrom(env);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    // The variable names of the unit's own settings carry its prefix in a shared process.
    throw new InvalidConfigurationError(`${agency} (${unitEnvPrefix(agency)}*): ${error.message}`);
  }
}

/**
 * BullMQ's backend is chosen once per process, so every unit must use the same kind. Redis: each
 * Redis named is checked (noeviction). PostgreSQL: one pool, sized for every unit's workers.
 */
async function selectSharedQueueBackend(settings: readonly AdapterSettings[]): Promise<void> {
  const kinds = new Set(settings.map((unit) => unit.queueBackend));
  if (kinds.size > 1) {
    process.stderr.write('invalid configuration:\n  QUEUE_BACKEND: the units of one process use the same queue backend\n');
    process.exit(1);
  }
  const distinct = new Map(settings.map((unit) => [unit.queueBackend === 'redis' ? unit.redisUrl : 'postgres', unit]));
  for (const unit of distinct.values()) {
    try {
      await selectQueueBackend(unit, 'adapter', { poolSize: QUEUE_POOL_PER_APP * settings.length });
    } catch (error) {
      // As a process of one unit does (bootQueueBackend): one line naming maxmemory-policy.
      if (!(error instanceof EvictingRedisError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
  }
}

/**
 * SIGTERM or SIGINT: every app drains at once (each stops its loops, lets its workers finish their
 * jobs, answers requests in flight with `Connection: close`, closes its database last, as a process
 * of one unit does), then the process ends by the same signal.
 */
function stopAllOnSignal(apps: readonly NestExpressApplication[]): void {
  let stopping = false;
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled(apps.map((app) => app.close())).then((results) => {
      const failed = results.filter((result) => result.status === 'rejected');
      for (const failure of failed) process.stderr.write(`shutdown: ${String(failure.reason)}\n`);
      for (const each of signals) process.removeListener(each, stop);
      if (failed.length > 0) process.exit(1);
      process.kill(process.pid, signal);
    });
  };
  for (const signal of signals) process.on(signal, stop);
}
