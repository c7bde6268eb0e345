import { registerAs } from '@nestjs/config';
import { UNIT_CODES, type UnitCode } from '#contracts';
import { type AdapterSettings, adapterSettingsFrom } from './adapter.config.js';
import { InvalidConfigurationError } from './validate-env.js';

/** One unit's environment inside a shared adapter process: a frozen copy, never process.env itself. */
export type UnitEnv = Readonly<Record<string, string | undefined>>;

/**
 * The settings a unit must have of its own in a shared process (its port, login, keys and system):
 * given only with the unit's prefix, so no two units can end up with the same credentials by
 * inheriting one unprefixed value (第二十四条: each unit's login binds row-level security).
 */
export const UNIT_OWN_SETTINGS = ['AGENCY', 'PORT', 'DATABASE_URL', 'API_KEY_SHA256', 'SIGNING_PRIVATE_KEY', 'DATA_MASTER_KEY', 'DELIVERY_MODE', 'WEBHOOK_URL', 'WEBHOOK_SECRET'] as const;

/** `civil-affairs` → `CIVIL_AFFAIRS__`: the prefix of a unit's own variables in a shared process. */
export function unitEnvPrefix(code: UnitCode): string {
  return `${code.toUpperCase().replace(/-/g, '_')}__`;
}

const fail = (line: string): never => {
  throw new InvalidConfigurationError(`invalid configuration:\n  ${line}`);
};

/** ADAPTER_UNITS as a list of known, distinct unit codes. */
function unitsOf(env: UnitEnv): UnitCode[] {
  const units = (env.ADAPTER_UNITS ?? '').split(',').map((code) => code.trim()).filter(Boolean);
  if (units.length === 0) fail('ADAPTER_UNITS: name at least one unit code, comma-separated');
  for (const code of units) {
    if (!(UNIT_CODES as readonly string[]).includes(code)) fail(`ADAPTER_UNITS: ${code} is not a unit code (${UNIT_CODES.join(', ')})`);
  }
  if (new Set(units).size !== units.length) fail('ADAPTER_UNITS: a unit is named twice');
  return units as UnitCode[];
}

/**
 * Splits the environment of a shared adapter process (`ADAPTER_UNITS=procuratorate,education`) into
 * one environment per unit: the unprefixed variables are common to all (Redis, the queue prefix,
 * the bus's field-encryption keys, the public-key registry, timings), `<UNIT>__<NAME>` are the
 * unit's own and win. Each unit's adapter reads only its own copy, so nothing one unit sets reaches
 * another.
 */
export function adapterUnitEnvs(env: UnitEnv): ReadonlyMap<UnitCode, UnitEnv> {
  const units = unitsOf(env);
  const shared = UNIT_OWN_SETTINGS.filter((name) => env[name] !== undefined && env[name] !== '');
  if (shared.length > 0) {
    fail(`${shared.join(', ')}: each unit of ADAPTER_UNITS has its own; set them per unit (e.g. ${unitEnvPrefix(units[0])}${shared[0]}), not once for all`);
  }
  const prefixes = UNIT_CODES.map(unitEnvPrefix);
  const common = Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'ADAPTER_UNITS' && !prefixes.some((prefix) => name.startsWith(prefix))));
  return new Map(
    units.map((code) => {
      const prefix = unitEnvPrefix(code);
      const own = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]));
      if (own.AGENCY !== undefined) fail(`${prefix}AGENCY: the unit is given by ADAPTER_UNITS`);
      return [code, Object.freeze({ ...common, ...own, AGENCY: code })];
    }),
  );
}

/**
 * Checks the units of one process do not share what must be theirs alone: a port, a database
 * login, an API key. (Signing keys are checked per unit against the registry.)
 */
export function assertUnitsSeparate(settings: readonly AdapterSettings[]): void {
  const seen = { port: new Map<string, UnitCode>(), login: new Map<string, UnitCode>(), key: new Map<string, UnitCode>(), 'master key': new Map<string, UnitCode>() };
  const check = (kind: keyof typeof seen, value: string, agency: UnitCode, setting: string) => {
    const other = seen[kind].get(value);
    if (other) fail(`${unitEnvPrefix(agency)}${setting}: the same as ${other}'s; each unit has its own ${kind === 'key' ? 'API keys' : kind}`);
    seen[kind].set(value, agency);
  };
  for (const unit of settings) {
    check('port', `${unit.host}:${unit.port}`, unit.agency, 'PORT');
    check('login', new URL(unit.databaseUrl).username, unit.agency, 'DATABASE_URL');
    for (const digest of unit.apiKeySha256) check('key', digest, unit.agency, 'API_KEY_SHA256');
    // 第二十四条: a unit's master key opens its data only; one shared by two units would open both.
    check('master key', unit.fieldEncryption.masterKey.toString('hex'), unit.agency, 'DATA_MASTER_KEY');
  }
}

/**
 * The adapter's configuration read from the given environment: process.env for a process of one
 * unit, the unit's own copy (adapterUnitEnvs) in a shared process. Same key as adapterConfig, so
 * every `@Inject(adapterConfig.KEY)` gets its own app's unit.
 */
export function adapterConfigFrom(env: UnitEnv) {
  return registerAs('adapter', (): AdapterSettings => adapterSettingsFrom(env));
}
