import { adapterSettingsFrom } from './adapter.config.js';
import { adapterUnitEnvs, assertUnitsSeparate, unitEnvPrefix } from './adapter-units.js';
import { signingEnv } from './signing-env.fixture.js';

const { SIGNING_PRIVATE_KEY, UNIT_PUBLIC_KEYS } = signingEnv('any');
const common = {
  ADAPTER_UNITS: 'procuratorate,civil-affairs',
  REDIS_URL: 'redis://r:6379',
  PERSON_ID_HMAC_KEY: 'c'.repeat(64),
  UNIT_PUBLIC_KEYS,
  LOG_LEVEL: 'warn',
};
const own = {
  PROCURATORATE__DATABASE_URL: 'postgresql://bus_unit_procuratorate@db/bus',
  PROCURATORATE__API_KEY_SHA256: 'a'.repeat(64),
  PROCURATORATE__SIGNING_PRIVATE_KEY: SIGNING_PRIVATE_KEY,
  PROCURATORATE__DATA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  PROCURATORATE__DELIVERY_MODE: 'pull',
  CIVIL_AFFAIRS__DATABASE_URL: 'postgresql://bus_unit_civil_affairs@db/bus',
  CIVIL_AFFAIRS__API_KEY_SHA256: 'b'.repeat(64),
  CIVIL_AFFAIRS__SIGNING_PRIVATE_KEY: SIGNING_PRIVATE_KEY,
  CIVIL_AFFAIRS__DATA_MASTER_KEY: Buffer.alloc(32, 8).toString('base64'),
  CIVIL_AFFAIRS__WEBHOOK_URL: 'http://unit-system/civil-affairs',
  CIVIL_AFFAIRS__WEBHOOK_SECRET: 'secret-of-civil-affairs',
  CIVIL_AFFAIRS__LOG_LEVEL: 'debug',
};

describe('several units’ adapters in one process (ADAPTER_UNITS)', () => {
  it('gives each unit its own environment: the common settings, then its own, without the prefix', () => {
    const envs = adapterUnitEnvs({ ...common, ...own });
    expect([...envs.keys()]).toEqual(['procuratorate', 'civil-affairs']);
    const [procuratorate, civilAffairs] = [...envs.values()].map((env) => adapterSettingsFrom(env));
    expect(procuratorate).toMatchObject({ agency: 'procuratorate', port: 3101, databaseUrl: own.PROCURATORATE__DATABASE_URL, apiKeySha256: ['a'.repeat(64)], delivery: { mode: 'pull' }, logLevel: 'warn' });
    expect(civilAffairs).toMatchObject({
      agency: 'civil-affairs',
      port: 3103,
      databaseUrl: own.CIVIL_AFFAIRS__DATABASE_URL,
      apiKeySha256: ['b'.repeat(64)],
      delivery: { mode: 'webhook', url: 'http://unit-system/civil-affairs' },
      logLevel: 'debug',
    });
    // No unit's copy holds another unit's variables, prefixed or not.
    for (const env of envs.values()) expect(Object.keys(env).filter((name) => name.includes('__'))).toEqual([]);
    expect(Object.isFrozen(envs.get('procuratorate'))).toBe(true);
  });

  it('refuses a unit’s own setting given once for all, naming it', () => {
    for (const name of ['DATABASE_URL', 'API_KEY_SHA256', 'SIGNING_PRIVATE_KEY', 'DATA_MASTER_KEY', 'PORT', 'WEBHOOK_URL', 'AGENCY']) {
      expect(() => adapterUnitEnvs({ ...common, ...own, [name]: 'x' })).toThrow(new RegExp(`${name}: each unit of ADAPTER_UNITS has its own`));
    }
    expect(() => adapterUnitEnvs({ ...common, ...own, PORT: '' })).not.toThrow(); // empty is "not set"
  });

  it('refuses an unknown, repeated or missing unit', () => {
    expect(() => adapterUnitEnvs({ ...common, ADAPTER_UNITS: 'procuratorate,police' })).toThrow(/ADAPTER_UNITS: police is not a unit code/);
    expect(() => adapterUnitEnvs({ ...common, ADAPTER_UNITS: 'education,education' })).toThrow(/named twice/);
    expect(() => adapterUnitEnvs({ ...common, ADAPTER_UNITS: '' })).toThrow(/ADAPTER_UNITS: name at least one unit/);
  });

  it('refuses two units with the same port, login, API key or master key', () => {
    const settings = (extra: Record<string, string>) => [...adapterUnitEnvs({ ...common, ...own, ...extra }).values()].map((env) => adapterSettingsFrom(env));
    expect(() => assertUnitsSeparate(settings({}))).not.toThrow();
    expect(() => assertUnitsSeparate(settings({ CIVIL_AFFAIRS__PORT: '3101' }))).toThrow(/CIVIL_AFFAIRS__PORT: the same as procuratorate's/);
    expect(() => assertUnitsSeparate(settings({ CIVIL_AFFAIRS__DATABASE_URL: own.PROCURATORATE__DATABASE_URL }))).toThrow(/CIVIL_AFFAIRS__DATABASE_URL: the same as procuratorate's/);
    expect(() => assertUnitsSeparate(settings({ CIVIL_AFFAIRS__API_KEY_SHA256: `${'c'.repeat(64)},${'a'.repeat(64)}` }))).toThrow(/CIVIL_AFFAIRS__API_KEY_SHA256: the same as procuratorate's/);
    // 第二十四条: one unit's master key would open the other's data.
    expect(() => assertUnitsSeparate(settings({ CIVIL_AFFAIRS__DATA_MASTER_KEY: own.PROCURATORATE__DATA_MASTER_KEY }))).toThrow(/CIVIL_AFFAIRS__DATA_MASTER_KEY: the same as procuratorate's/);
  });

  it('names a unit’s variables by its code', () => {
    expect(unitEnvPrefix('womens-federation')).toBe('WOMENS_FEDERATION__');
  });
});
