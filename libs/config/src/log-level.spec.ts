import { adapterSettingsFrom } from './adapter.config.js';
import { signingEnv } from './signing-env.fixture.js';
import { schedulerSettingsFrom } from './scheduler.config.js';

const adapter = { AGENCY: 'education', DATABASE_URL: 'postgresql://db/x', REDIS_URL: 'redis://r:6379', API_KEY_SHA256: 'a'.repeat(64), DATA_MASTER_KEY: 'b'.repeat(64), PERSON_ID_HMAC_KEY: 'c'.repeat(64), ...signingEnv('education') };
const scheduler = { DATABASE_URL: 'postgresql://db/x', REDIS_URL: 'redis://r:6379', OFFICE_API_KEY_SHA256: 'b'.repeat(64) };

describe('LOG_LEVEL', () => {
  it('is info unless set, and takes any of pino’s levels', () => {
    expect(adapterSettingsFrom(adapter).logLevel).toBe('info');
    expect(schedulerSettingsFrom({ ...scheduler, LOG_LEVEL: '' }).logLevel).toBe('info');
    expect(adapterSettingsFrom({ ...adapter, LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(schedulerSettingsFrom({ ...scheduler, LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
  });

  it('stops boot naming it when it is not a level', () => {
    expect(() => adapterSettingsFrom({ ...adapter, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(() => schedulerSettingsFrom({ ...scheduler, LOG_LEVEL: 'INFO' })).toThrow(/LOG_LEVEL/);
  });
});
