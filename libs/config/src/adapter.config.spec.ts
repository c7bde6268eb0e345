import { activeCryptoSuite, cryptoSuite, newSigningKeyPair, useCryptoSuite } from '#security';
import { adapterSettingsFrom } from './adapter.config.js';
import { signingEnv } from './signing-env.fixture.js';

const KEY = 'a'.repeat(64);
const KEYS = { DATA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), PERSON_ID_HMAC_KEY: 'c'.repeat(64), ...signingEnv('education') };
const base = { AGENCY: 'education', DATABASE_URL: 'postgresql://db/x', REDIS_URL: 'redis://r:6379', API_KEY_SHA256: KEY, ...KEYS };

describe('adapter configuration', () => {
  it('fills the unit’s defaults from libs/units', () => {
    const settings = adapterSettingsFrom(base);
    expect(settings).toMatchObject({ agency: 'education', port: 3102, delivery: { mode: 'pull' }, apiKeySha256: [KEY] });
  });

  it('stops boot naming every bad setting', () => {
    expect(() => adapterSettingsFrom({ ...base, AGENCY: 'police', REDIS_URL: 'localhost', PORT: 'x' })).toThrow(
      /AGENCY[\s\S]*PORT[\s\S]*REDIS_URL/,
    );
  });

  it('stops boot naming a missing or malformed key of field encryption', () => {
    const { DATA_MASTER_KEY: _omitted, ...withoutMaster } = base;
    expect(() => adapterSettingsFrom(withoutMaster)).toThrow(/DATA_MASTER_KEY must be a 32-byte key/);
    expect(() => adapterSettingsFrom({ ...base, DATA_MASTER_KEY: 'short' })).toThrow(/DATA_MASTER_KEY/);
    expect(() => adapterSettingsFrom({ ...base, PERSON_ID_HMAC_KEY: 'f'.repeat(62) })).toThrow(/PERSON_ID_HMAC_KEY/);
    const settings = adapterSettingsFrom(base);
    expect(settings.fieldEncryption.masterKey).toEqual(Buffer.alloc(32, 7));
  });

  it('stops boot naming a missing, malformed or unregistered signing key', () => {
    expect(() => adapterSettingsFrom({ ...base, SIGNING_PRIVATE_KEY: 'bm90IGEga2V5' })).toThrow(/SIGNING_PRIVATE_KEY must be an Ed25519 private key/);
    expect(() => adapterSettingsFrom({ ...base, UNIT_PUBLIC_KEYS: '{}' })).toThrow(/UNIT_PUBLIC_KEYS has no public key of procuratorate/);
    expect(() => adapterSettingsFrom({ ...base, UNIT_PUBLIC_KEYS: 'nope' })).toThrow(/UNIT_PUBLIC_KEYS is not JSON/);
    const other = signingEnv('education');
    const registry = JSON.parse(other.UNIT_PUBLIC_KEYS) as Record<string, { key: string }[]>;
    registry.education = [{ key: Buffer.alloc(32, 1).toString('base64') }];
    expect(() => adapterSettingsFrom({ ...base, UNIT_PUBLIC_KEYS: JSON.stringify(registry) })).toThrow(/education's key \w+ is not a valid key of education/);
    expect(adapterSettingsFrom(base).signing.registry.size).toBe(13);
  });

  it('takes CRYPTO_SUITE (default international), makes it the process\'s, and refuses a signing key of the other suite', () => {
    try {
      expect(adapterSettingsFrom(base).cryptoSuite).toBe('international');
      expect(() => adapterSettingsFrom({ ...base, CRYPTO_SUITE: 'gost' })).toThrow(/CRYPTO_SUITE must be one of international, national/);
      expect(() => adapterSettingsFrom({ ...base, CRYPTO_SUITE: 'national' })).toThrow(/education's key is ed25519, the national suite signs with sm2/);
      const sm2 = newSigningKeyPair(cryptoSuite('national'));
      const registry = JSON.parse(base.UNIT_PUBLIC_KEYS) as Record<string, { key: string; alg?: string; notAfter?: string }[]>;
      registry.education = [{ key: sm2.publicKey, alg: 'sm2' }, { ...registry.education[0], notAfter: '2099-01-01T00:00:00Z' }];
      const national = adapterSettingsFrom({ ...base, CRYPTO_SUITE: 'national', SIGNING_PRIVATE_KEY: sm2.privateKey, UNIT_PUBLIC_KEYS: JSON.stringify(registry) });
      expect(national).toMatchObject({ cryptoSuite: 'national', signing: { signer: { algorithm: 'sm2', keyId: sm2.keyId } } });
      expect(activeCryptoSuite().name).toBe('national');
      expect(national.signing.registry.get('education')?.map((key) => key.algorithm)).toEqual(['sm2', 'ed25519']);
      expect(() => adapterSettingsFrom({ ...base, SIGNING_PRIVATE_KEY: 'sm2:' + 'z'.repeat(64) })).toThrow(/SIGNING_PRIVATE_KEY must be an Ed25519 private key, base64 of its PKCS#8 DER, or an SM2 private key/);
      registry.education = [{ key: sm2.publicKey }];
      expect(() => adapterSettingsFrom({ ...base, UNIT_PUBLIC_KEYS: JSON.stringify(registry) })).toThrow(/education\[0\]\.key must be a base64 Ed25519 public key/);
    } finally {
      useCryptoSuite('international');
    }
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
