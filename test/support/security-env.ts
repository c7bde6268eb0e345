import { createHash } from 'node:crypto';
import { UNIT_CODES, type UnitCode } from '#contracts';
import { cryptoSuite, type CryptoSuiteName, isCryptoSuiteName, messageSigner, newSigningKeyPair, type SignableEnvelope, signEnvelope, useCryptoSuite } from '#security';

/**
 * The run's cryptography suite: CRYPTO_SUITE of the test process (international when unset). The
 * apps a test starts get it (service-process.ts), and the test process writes in it too.
 */
export const TEST_CRYPTO_SUITE: CryptoSuiteName = isCryptoSuiteName(process.env.CRYPTO_SUITE) ? process.env.CRYPTO_SUITE : 'international';
useCryptoSuite(TEST_CRYPTO_SUITE);

/**
 * The key settings every adapter needs at boot: each unit's own master key (fixed per unit, so every
 * process of a test that plays a unit opens what another process of that unit wrote; never one for
 * two units, 第二十四条), the keyed hash's key common to the bus, and a key pair of the run's suite
 * (Ed25519 or SM2) per unit, made once per test process, with the registry of all their public keys.
 */
const TEST_MASTER_SEED = '6d61737465722d6b65792d6f662d7468652d746573742d6275732d3031323334';

/** The unit's DATA_MASTER_KEY in tests (64 hex characters). */
export function testDataMasterKey(agency: UnitCode): string {
  return createHash('sha256').update(TEST_MASTER_SEED).update(agency).digest('hex');
}

export const TEST_PERSON_ID_HMAC_KEY = '686d61632d6b65792d6f662d7468652d746573742d6275732d30313233343536';

export const TEST_SIGNING_KEYS = Object.fromEntries(UNIT_CODES.map((code) => [code, newSigningKeyPair(cryptoSuite(TEST_CRYPTO_SUITE))])) as Record<
  UnitCode,
  ReturnType<typeof newSigningKeyPair>
>;

/** UNIT_PUBLIC_KEYS for the test keys; `extra` adds keys (e.g. a previous one with its overlap end). */
export function testPublicKeys(extra: Partial<Record<UnitCode, { key: string; alg?: string; notAfter?: string }[]>> = {}): string {
  return JSON.stringify(
    Object.fromEntries(UNIT_CODES.map((code) => [code, [{ key: TEST_SIGNING_KEYS[code].publicKey, alg: TEST_SIGNING_KEYS[code].alg }, ...(extra[code] ?? [])]])),
  );
}

export function securityEnv(agency: UnitCode): Record<string, string> {
  return {
    DATA_MASTER_KEY: testDataMasterKey(agency),
    PERSON_ID_HMAC_KEY: TEST_PERSON_ID_HMAC_KEY,
    SIGNING_PRIVATE_KEY: TEST_SIGNING_KEYS[agency].privateKey,
    UNIT_PUBLIC_KEYS: testPublicKeys(),
  };
}

/** A signature as the unit's adapter makes it, for tests that write a message row themselves (the receiver verifies it first). */
export function signedBy(agency: UnitCode, envelope: SignableEnvelope): string {
  return signEnvelope(messageSigner(agency, TEST_SIGNING_KEYS[agency].privateKey), envelope);
}

/** How a ciphertext of the run's suite begins, before its key id: `enc1.` (AES-256-GCM) or `enc2.sm4-ctr-hmac-sm3.`. */
export const TEST_CIPHERTEXT_PREFIX = TEST_CRYPTO_SUITE === 'national' ? 'enc2.sm4-ctr-hmac-sm3.' : 'enc1.';
/** The signature algorithm of the run's suite, as a signature names it. */
export const TEST_SIGNATURE_ALGORITHM = cryptoSuite(TEST_CRYPTO_SUITE).signature;
