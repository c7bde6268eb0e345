import { AGENCY_CODES, type AgencyCode } from '#contracts';
import { messageSigner, newSigningKeyPair, type SignableEnvelope, signEnvelope } from '#security';

import { createHash } from 'node:crypto';

/**
 * The key settings every adapter needs at boot: each unit's own master key (fixed per unit, so every
 * process of a test that plays a unit opens what another process of that unit wrote; never one for
 * two units, 第二十四条), the keyed hash's key common to the bus, and an Ed25519 key pair per unit,
 * made once per test process, with the registry of all their public keys.
 */
const TEST_MASTER_SEED = '6d61737465722d6b65792d6f662d7468652d746573742d6275732d3031323334';

/** The unit's DATA_MASTER_KEY in tests (64 hex characters). */
export function testDataMasterKey(agency: AgencyCode): string {
  return createHash('sha256').update(TEST_MASTER_SEED).update(agency).digest('hex');
}

export const TEST_PERSON_ID_HMAC_KEY = '686d61632d6b65792d6f662d7468652d746573742d6275732d30313233343536';

export const TEST_SIGNING_KEYS = Object.fromEntries(AGENCY_CODES.map((code) => [code, newSigningKeyPair()])) as Record<AgencyCode, ReturnType<typeof newSigningKeyPair>>;

/** UNIT_PUBLIC_KEYS for the test keys; `extra` adds keys (e.g. a previous one with its overlap end). */
export function testPublicKeys(extra: Partial<Record<AgencyCode, { key: string; notAfter?: string }[]>> = {}): string {
  return JSON.stringify(Object.fromEntries(AGENCY_CODES.map((code) => [code, [{ key: TEST_SIGNING_KEYS[code].publicKey }, ...(extra[code] ?? [])]])));
}

export function securityEnv(agency: AgencyCode): Record<string, string> {
  return {
    DATA_MASTER_KEY: testDataMasterKey(agency),
    PERSON_ID_HMAC_KEY: TEST_PERSON_ID_HMAC_KEY,
    SIGNING_PRIVATE_KEY: TEST_SIGNING_KEYS[agency].privateKey,
    UNIT_PUBLIC_KEYS: testPublicKeys(),
  };
}

/** A signature as the unit's adapter makes it, for tests that write a message row themselves (the receiver verifies it first). */
export function signedBy(agency: AgencyCode, envelope: SignableEnvelope): string {
  return signEnvelope(messageSigner(agency, TEST_SIGNING_KEYS[agency].privateKey), envelope);
}
