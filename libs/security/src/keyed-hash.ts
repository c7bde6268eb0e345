import { activeCryptoSuite, CRYPTO_SUITES, cryptoSuite, type CryptoSuite, suiteMac } from './crypto-suite.js';

/**
 * The keyed hash of a resident ID number under a configured key — HMAC-SHA-256, or HMAC-SM3 in the
 * national suite: what the database keeps for lookup and de-duplication, never the number. The
 * number is normalised first (the check character upper case, no spaces) so one person always gets
 * one hash.
 */
export function residentIdHash(key: Buffer, idNumber: string, suite: CryptoSuite = activeCryptoSuite()): string {
  const normalised = idNumber.replace(/\s+/g, '').toUpperCase();
  return suiteMac(suite, key, 'resident-id:', Buffer.from(normalised, 'utf8')).toString('hex');
}

/**
 * The number's hash in every suite, the process's first: a lookup matches rows written in either,
 * while a suite migration has not yet re-hashed every row.
 */
export function residentIdHashes(key: Buffer, idNumber: string): string[] {
  const own = activeCryptoSuite();
  return [own, ...CRYPTO_SUITES.filter((name) => name !== own.name).map(cryptoSuite)].map((suite) => residentIdHash(key, idNumber, suite));
}
