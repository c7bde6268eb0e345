import { adapterSettingsFrom } from './adapter.config.js';

const KEY = 'a'.repeat(64);
const base = { AGENCY: 'education', DATABASE_URL: 'postgresql://db/x', REDIS_URL: 'redis://r:6379', API_KEY_SHA256: KEY };

describe('adapter configuration', () => {
  it('fills the unit’s defaults from libs/agencies', () => {
    const settings = adapterSettingsFrom(base);
    expect(settings).toMatchObject({ agency: 'education', port: 3102, delivery: { mode: 'pull' }, apiKeySha256: [KEY] });
  });

  it('stops boot naming every bad setting', () => {
    expect(() => adapterSettingsFrom({ ...base, AGENCY: 'police', REDIS_URL: 'localhost', PORT: 'x' })).toThrow(
      /AGENCY[\s\S]*PORT[\s\S]*REDIS_URL/,
    );
  });

  it('takes an empty variable as not set', () => {
    expect(adapterSettingsFrom({ ...base, PORT: '', DELIVERY_MODE: '' })).toMatchObject({ port: 3102, delivery: { mode: 'pull' } });
  });

  it('requires a webhook URL and secret for a webhook unit', () => {
    expect(() => adapterSettingsFrom({ ...base, AGENCY: 'civil-affairs' })).toThrow(/WEBHOOK_URL, WEBHOOK_SECRET/);
    const settings = adapterSettingsFrom({
      ...base, AGENCY: 'civil-affairs', WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_SECRET: 's'.repeat(16),
    });
    expect(settings.delivery).toEqual({ mode: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's'.repeat(16) });
  });
});
