import { createHash } from 'node:crypto';
import type { UnitCode } from '#contracts';
import { databaseUrlWithLogin, unitDatabaseLogin } from '#persistence';
import { TEST_PERSON_ID_HMAC_KEY, TEST_SIGNING_KEYS, testDataMasterKey, testPublicKeys } from './security-env.js';
import { freePort } from './free-port.js';
import { ServiceProcess } from './service-process.js';

export interface SharedUnitOptions {
  delivery: { mode: 'pull' } | { mode: 'webhook'; url: string; secret: string };
  /** the login in the unit's DATABASE_URL: its own unless a test gives it a wrong one on purpose */
  databaseLogin?: string;
}

/** `civil-affairs` → `CIVIL_AFFAIRS__`, as libs/config reads a shared process's variables (written out here, not imported, so a test sees a rename). */
const prefixOf = (code: UnitCode) => `${code.toUpperCase().replace(/-/g, '_')}__`;

/** One unit served by a shared adapter process: its own port and API key. */
export class SharedUnit {
  constructor(
    readonly agency: UnitCode,
    readonly port: number,
    readonly apiKey: string,
  ) {}

  /** the process serving it, once made */
  owner?: { readonly running: boolean };

  /** Its process runs. */
  get running(): boolean {
    return this.owner?.running ?? false;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async request(method: string, path: string, body?: unknown, apiKey = this.apiKey) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get(path: string, apiKey?: string) {
    return this.request('GET', path, undefined, apiKey);
  }

  post(path: string, body: unknown) {
    return this.request('POST', path, body);
  }
}

/**
 * Several units' adapters in one OS process (dist/apps/adapter/src/multi-main.js, ADAPTER_UNITS),
 * started from dist/ as `npm run bus` starts it with ADAPTER_PROCESSES=shared: the shared settings
 * unprefixed, each unit's own (port, login, API key, signing key, delivery) under its prefix.
 */
export class SharedAdapterProcess extends ServiceProcess {
  private readonly units = new Map<UnitCode, SharedUnit>();

  private constructor(
    units: readonly SharedUnit[],
    env: Record<string, string>,
    private readonly readyOn: readonly SharedUnit[],
  ) {
    super(`adapters ${units.map((unit) => unit.agency).join(',')}`, 'dist/apps/adapter/src/multi-main.js', () => env, units[0].apiKey);
    for (const unit of units) {
      this.units.set(unit.agency, unit);
      unit.owner = this;
    }
    // ServiceProcess waits for this port; start() then waits for the others'.
    this.port = units[0].port;
  }

  static async create(options: {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
    units: Partial<Record<UnitCode, SharedUnitOptions>>;
    extraEnv?: Record<string, string>;
  }): Promise<SharedAdapterProcess> {
    const units: SharedUnit[] = [];
    const env: Record<string, string> = {
      // ServiceProcess sets PORT for a process of one app; here each unit has its own (an empty value is "not set").
      PORT: '',
      ADAPTER_UNITS: Object.keys(options.units).join(','),
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: options.queuePrefix,
      OUTBOX_POLL_MS: '100',
      INBOX_BACKOFF_MS: '100',
      DELIVERY_BACKOFF_MS: '100',
      PERSON_ID_HMAC_KEY: TEST_PERSON_ID_HMAC_KEY,
      UNIT_PUBLIC_KEYS: testPublicKeys(),
    };
    for (const [code, unit] of Object.entries(options.units) as [UnitCode, SharedUnitOptions][]) {
      const own = new SharedUnit(code, await freePort(), `test-key-${code}-${Math.random().toString(36).slice(2)}`);
      units.push(own);
      const prefix = prefixOf(code);
      Object.assign(env, {
        [`${prefix}PORT`]: String(own.port),
        [`${prefix}DATABASE_URL`]: databaseUrlWithLogin(options.databaseUrl, unit.databaseLogin ?? unitDatabaseLogin(code)),
        [`${prefix}API_KEY_SHA256`]: createHash('sha256').update(own.apiKey).digest('hex'),
        [`${prefix}SIGNING_PRIVATE_KEY`]: TEST_SIGNING_KEYS[code].privateKey,
        // Each unit its own master key, under its own prefix (第二十四条).
        [`${prefix}DATA_MASTER_KEY`]: testDataMasterKey(code),
        [`${prefix}DELIVERY_MODE`]: unit.delivery.mode,
        ...(unit.delivery.mode === 'webhook' ? { [`${prefix}WEBHOOK_URL`]: unit.delivery.url, [`${prefix}WEBHOOK_SECRET`]: unit.delivery.secret } : {}),
      });
    }
    Object.assign(env, options.extraEnv);
    return new SharedAdapterProcess(units, env, units.slice(1));
  }

  unit(code: UnitCode): SharedUnit {
    const unit = this.units.get(code);
    if (!unit) throw new Error(`no ${code} in this process`);
    return unit;
  }

  override async start(): Promise<void> {
    await super.start();
    // The apps start one after another: the process is ready when every unit answers on its port.
    const deadline = Date.now() + 90_000;
    for (const unit of this.readyOn) {
      for (;;) {
        if (!this.running) throw new Error(`${this.name} exited:\n${this.log}`);
        const ok = await fetch(`${unit.baseUrl}/openapi.json`).then((response) => response.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`${unit.agency} did not answer within 90 s:\n${this.log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}
