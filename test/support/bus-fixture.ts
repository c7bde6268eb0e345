import { UNIT_CODES, type UnitCode } from '#contracts';
import { AdapterProcess } from './adapter-process.js';
import { provisionUnitKeys } from './unit-keys.js';
import { TestDatabase } from './test-database.js';
import { UnitSystems } from './unit-system.js';

export interface BusFixture {
  db: TestDatabase;
  systems: UnitSystems;
  queuePrefix: string;
  /** each webhook unit's WEBHOOK_SECRET */
  secrets: Record<string, string>;
  adapter(code: UnitCode): AdapterProcess;
  stop(): Promise<void>;
}

/**
 * A bus for one test file: its own database, its own BullMQ key prefix, the listed units'
 * adapters as separate processes, and stand-ins for the units' own systems.
 */
export async function startBus(
  label: string,
  units: Partial<Record<UnitCode, 'webhook' | 'pull'>>,
  options: {
    redisUrl?: string;
    extraEnv?: Record<string, string>;
    start?: boolean;
    /** a webhook unit's system elsewhere than the stand-in (e.g. the sample unit system) */
    webhookUrls?: Partial<Record<UnitCode, string>>;
    /**
     * Units that have not joined the bus: no key of their own yet. Every other unit the fixture does
     * not run has joined, as in a deployment whose adapters have all started once: it has its key.
     */
    unjoined?: readonly UnitCode[];
  } = {},
): Promise<BusFixture> {
  const db = await TestDatabase.create(label);
  await provisionUnitKeys(db.url, UNIT_CODES.filter((code) => !(code in units) && !options.unjoined?.includes(code)));
  const secrets = Object.fromEntries(Object.keys(units).map((code) => [code, `secret-of-${code}-0123456789`]));
  const systems = new UnitSystems(secrets);
  await systems.start();
  const queuePrefix = `t-${label}-${process.pid}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 32);
  const adapters = new Map<UnitCode, AdapterProcess>();
  for (const [code, mode] of Object.entries(units) as [UnitCode, 'webhook' | 'pull'][]) {
    adapters.set(
      code,
      new AdapterProcess({
        agency: code,
        databaseUrl: db.url,
        redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        queuePrefix,
        delivery: mode === 'webhook' ? { mode, url: options.webhookUrls?.[code] ?? systems.url(code), secret: secrets[code] } : { mode },
        extraEnv: options.extraEnv,
      }),
    );
  }
  if (options.start !== false) await Promise.all([...adapters.values()].map((adapter) => adapter.start()));
  return {
    db,
    systems,
    queuePrefix,
    secrets,
    adapter(code) {
      const adapter = adapters.get(code);
      if (!adapter) throw new Error(`no ${code} adapter in this fixture`);
      return adapter;
    },
    async stop() {
      await Promise.all([...adapters.values()].map((adapter) => adapter.stop()));
      await systems.stop();
      await db.drop();
    },
  };
}
