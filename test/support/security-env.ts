import { AGENCY_CODES, type AgencyCode } from '#contracts';
import { messageSigner, newSigningKeyPair, type SignableEnvelope, signEnvelope } from '#security';

/**
 * The key settings every adapter needs at boot: the same field-encryption keys for the
 * whole bus (fixed, so every process of a test reads what another wrote), and an Ed25519 key pair
 * per unit, made once per test process, with the registry of all their public keys.
 */
export const TEST_DATA_MASTER_KEY = '6d61737465722d6b65792d6f662d7468652d746573742d6275732d3031323334';
export const TEST_PERSON_ID_HMAC_KEY = '686d61632d6b65792d6f662d7468652d746573742d6275732d30313233343536';

export const TEST_SIGNING_KEYS = Object.fromEntries(AGENCY_CODES.map((code) => [code, newSigningKeyPair()])) as Record<AgencyCode, ReturnType<typeof newSigningKeyPair>>;

/** UNIT_PUBLIC_KEYS for the test keys; `extra` adds keys (e.g. a previous one with its overlap end). */
export function testPublicKeys(extra: Partial<Record<AgencyCode, { key: string; notAfter?: string }[]>> = {}): string {
  return JSON.stringify(Object.fromEntries(AGENCY_CODES.map((code) => [code, [{ key: TEST_SIGNING_KEYS[code].publicKey }, ...(extra[code] ?? [])]])));
}

export function securityEnv(agency: AgencyCode): Record<string, string> {
  return {
    DATA_MASTER_KEY: TEST_DATA_MASTER_KEY,
    PERSON_ID_HMAC_KEY: TEST_PERSON_ID_HMAC_KEY,
    SIGNING_PRIVATE_KEY: TEST_SIGNING_KEYS[agency].privateKey,
    UNIT_PUBLIC_KEYS: testPublicKeys(),
  };
}

/** A signature as the unit's adapter makes it, for tests that write a message row themselves (the receiver verifies it first). */
export function signedBy(agency: AgencyCode, envelope: SignableEnvelope): string {
  return signEnvelope(messageSigner(agency, TEST_SIGNING_KEYS[agency].privateKey), envelope);
}
