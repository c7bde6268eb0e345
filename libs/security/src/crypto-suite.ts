import { createHash, createHmac } from 'node:crypto';

// The deployment chooses one of two cryptography suites (CRYPTO_SUITE). `international`: Ed25519,
// HMAC-SHA-256, AES-256-GCM. `national`: the commercial cryptography standards a government system
// in China is assessed against (GB/T 39786-2021): SM2 signatures (GB/T 32918.2), SM3 (GB/T 32905)
// for hashes and HMACs, SM4 (GB/T 32907) for encryption at rest. What a process writes follows its
// suite; what it reads names its algorithm, so both suites verify and decrypt during a migration.

export const CRYPTO_SUITES = ['international', 'national'] as const;
export type CryptoSuiteName = (typeof CRYPTO_SUITES)[number];

export interface CryptoSuite {
  name: CryptoSuiteName;
  /** the hash of signed contents, MACs and key derivation (node:crypto's name) */
  hash: 'sha256' | 'sm3';
  /** the keyed hash, as a webhook signature names it */
  mac: 'hmac-sha256' | 'hmac-sm3';
  /** the signature algorithm, as a signature names it */
  signature: 'ed25519' | 'sm2';
  /** the field cipher, as a ciphertext names it */
  cipher: 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';
}

const SUITES: Record<CryptoSuiteName, CryptoSuite> = {
  international: { name: 'international', hash: 'sha256', mac: 'hmac-sha256', signature: 'ed25519', cipher: 'aes-256-gcm' },
  national: { name: 'national', hash: 'sm3', mac: 'hmac-sm3', signature: 'sm2', cipher: 'sm4-ctr-hmac-sm3' },
};

export function isCryptoSuiteName(value: unknown): value is CryptoSuiteName {
  return typeof value === 'string' && (CRYPTO_SUITES as readonly string[]).includes(value);
}

export function cryptoSuite(name: CryptoSuiteName): CryptoSuite {
  return SUITES[name];
}

// One suite per deployment, and so per process: set once from the validated configuration at boot
// (every process of a deployment has the same CRYPTO_SUITE, the shared-process mode included).
let active: CryptoSuite = SUITES.international;

/** Makes `name` the suite this process writes with (signatures, MACs, new data keys). */
export function useCryptoSuite(name: CryptoSuiteName): CryptoSuite {
  active = SUITES[name];
  return active;
}

/** The suite this process writes with. */
export function activeCryptoSuite(): CryptoSuite {
  return active;
}

/** The suite's hash of some bytes, hex. */
export function suiteDigest(suite: CryptoSuite, ...parts: (string | Uint8Array)[]): string {
  const hash = createHash(suite.hash);
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** The suite's keyed hash (HMAC-SHA-256 or HMAC-SM3) of some bytes. */
export function suiteMac(suite: CryptoSuite, key: Uint8Array | string, ...parts: (string | Uint8Array)[]): Buffer {
  const mac = createHmac(suite.hash, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}
