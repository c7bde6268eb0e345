import { registerDecorator, type ValidationOptions } from 'class-validator';
import { UNIT_CODES } from '#contracts';
import { parseKey32, parseSigningRegistry, signingPrivateKey } from '#security';

/** A 32-byte key given as base64 or 64 hex characters (make one: `openssl rand -base64 32`). */
export function IsKey32(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isKey32',
      target: target.constructor,
      propertyName: String(property),
      options: { message: `${String(property)} must be a 32-byte key, base64 or 64 hex characters (openssl rand -base64 32)`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && parseKey32(value) !== null },
    });
}

/** The bytes of a key IsKey32 accepted. */
export function key32(text: string): Buffer {
  const key = parseKey32(text);
  if (!key) throw new Error('not a 32-byte key');
  return key;
}

/** An Ed25519 private key as base64 of its PKCS#8 DER, or an SM2 one as sm2:<64 hex> (`npm run keys`). */
export function IsSigningPrivateKey(options?: ValidationOptions): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'isSigningPrivateKey',
      target: target.constructor,
      propertyName: String(property),
      options: { message: `${String(property)} must be an Ed25519 private key, base64 of its PKCS#8 DER, or an SM2 private key, sm2:<64 hex>`, ...options },
      validator: {
        validate: (value: unknown) => {
          try {
            return typeof value === 'string' && signingPrivateKey(value) !== null;
          } catch {
            return false;
          }
        },
      },
    });
}

/** The units' public keys (UNIT_PUBLIC_KEYS), every unit present; the message names the first problem. */
export function IsSigningRegistry(options?: ValidationOptions): PropertyDecorator {
  return (target, property) => {
    let problem = '';
    registerDecorator({
      name: 'isSigningRegistry',
      target: target.constructor,
      propertyName: String(property),
      options: { message: () => `${String(property)} ${problem} (JSON {"<unit>": [{"key": "<base64 public key>", "alg"?: "ed25519"|"sm2", "notAfter"?: "<ISO time>"}]})`, ...options },
      validator: {
        validate: (value: unknown) => {
          try {
            if (typeof value !== 'string') throw new Error('is required');
            parseSigningRegistry(value, UNIT_CODES);
            return true;
          } catch (error) {
            problem = error instanceof Error ? error.message : String(error);
            return false;
          }
        },
      },
    });
  };
}
