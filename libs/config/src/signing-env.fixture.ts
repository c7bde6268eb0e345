import { UNIT_CODES } from '#contracts';
import { newSigningKeyPair } from '#security';

// For the configuration's specs: one Ed25519 key pair, registered for every unit.
const pair = newSigningKeyPair();

export function signingEnv(_agency: string): { SIGNING_PRIVATE_KEY: string; UNIT_PUBLIC_KEYS: string } {
  return { SIGNING_PRIVATE_KEY: pair.privateKey, UNIT_PUBLIC_KEYS: JSON.stringify(Object.fromEntries(UNIT_CODES.map((code) => [code, [{ key: pair.publicKey }]]))) };
}
