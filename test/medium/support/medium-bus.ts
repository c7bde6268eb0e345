import type { UnitCode } from '#contracts';
import { databaseUrlWithLogin, unitDatabaseLogin } from '#persistence';
import { provisionUnitKeys } from '../../support/unit-keys.js';
import { TestDatabase } from '../../support/test-database.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter, settle } from './medium-adapter.js';
import { type MediumScheduler, mediumScheduler } from './medium-scheduler.js';

/** A medium test's bus: its own database, the in-process queues its units share, one manual clock. */
export interface MediumBus {
  db: TestDatabase;
  driver: ReturnType<typeof inProcessDriver>;
  clock: ManualClock;
  /** the unit's adapter, started in the order the options list them */
  adapter(code: UnitCode): MediumAdapter;
  /** every adapter started, in that order */
  adapters: MediumAdapter[];
  /** the scheduler, when the options asked for one */
  scheduler(): MediumScheduler;
  /** relays every unit's outbox and runs every job until the bus is quiet */
  settle(): Promise<void>;
  /** stops the scheduler and the adapters, and drops the database */
  close(): Promise<void>;
}

export interface MediumBusOptions {
  /** the units whose adapters run, in this order */
  units: readonly UnitCode[];
  /** the scheduler too */
  scheduler?: boolean;
  /**
   * Units a handoff names without an adapter in the test: each gets its first key, as if its adapter
   * had started once (what is sent to a unit is sealed to its own key).
   */
  joined?: readonly UnitCode[];
  /** each adapter connects with its unit's own database login (row-level security), not the owner's */
  unitLogins?: boolean;
  /** the queues the units share; a new in-process driver by default */
  driver?: ReturnType<typeof inProcessDriver>;
  /** the test's clock; by default a manual clock at 2026-11-23T02:00:00Z (a Monday, 10:00 in Beijing) */
  clock?: ManualClock;
  /** extra settings or overrides of one unit's adapter */
  adapterOptions?: Partial<Record<UnitCode, Pick<Parameters<typeof mediumAdapter>[1], 'env' | 'override'>>>;
  /** extra settings of the scheduler */
  schedulerEnv?: Record<string, string>;
  /** runs once the database exists, before any app starts (seed rows, load a calendar) */
  seed?: (db: TestDatabase) => Promise<void>;
}

/**
 * Starts a medium test's bus: the set-up every medium spec needs, written once. The adapters and the
 * scheduler are Nest TestingModules on a real PostgreSQL database (see medium-adapter.ts).
 */
export async function startMediumBus(label: string, options: MediumBusOptions): Promise<MediumBus> {
  const db = await TestDatabase.create(label);
  const driver = options.driver ?? inProcessDriver();
  const clock = options.clock ?? new ManualClock(new Date('2026-11-23T02:00:00Z'));
  const adapters: MediumAdapter[] = [];
  const byUnit = new Map<UnitCode, MediumAdapter>();
  let scheduler: MediumScheduler | undefined;
  const close = async () => {
    await scheduler?.close();
    for (const adapter of adapters.reverse()) await adapter.close();
    await db.drop();
  };
  try {
    await options.seed?.(db);
    if (options.joined?.length) await provisionUnitKeys(db.url, options.joined);
    for (const code of options.units) {
      const databaseUrl = options.unitLogins ? databaseUrlWithLogin(db.url, unitDatabaseLogin(code)) : db.url;
      const adapter = await mediumAdapter(code, { databaseUrl, driver, clock, ...options.adapterOptions?.[code] });
      adapters.push(adapter);
      byUnit.set(code, adapter);
    }
    if (options.scheduler) scheduler = await mediumScheduler({ databaseUrl: db.url, driver, clock, env: options.schedulerEnv });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return {
    db,
    driver,
    clock,
    adapters,
    adapter(code) {
      const adapter = byUnit.get(code);
      if (!adapter) throw new Error(`no ${code} adapter in this medium bus (units: ${options.units.join(', ')})`);
      return adapter;
    },
    scheduler() {
      if (!scheduler) throw new Error('this medium bus has no scheduler (options.scheduler)');
      return scheduler;
    },
    settle: () => settle(driver, adapters),
    close,
  };
}

/**
 * The bus of a describe block: started before its tests, closed after them. Returns an accessor,
 * since the bus exists only once beforeAll has run.
 */
export function useMediumBus(label: string, options: MediumBusOptions): () => MediumBus {
  let bus: MediumBus | undefined;
  beforeAll(async () => {
    bus = await startMediumBus(label, options);
  }, 120_000);
  afterAll(async () => {
    await bus?.close();
  });
  return () => {
    if (!bus) throw new Error('the medium bus is not started: use it inside a test');
    return bus;
  };
}
