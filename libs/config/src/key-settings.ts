import { registerDecorator, type ValidationOptions } from 'class-validator';
import { parseKey32 } from '#security';

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
