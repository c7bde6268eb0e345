import { randomBytes } from 'node:crypto';
import {
  DecryptionError,
  decryptValue,
  encryptValue,
  keyIdOf,
  masterKeyFingerprint,
  newDataKey,
  parseKey32,
  unwrapDataKey,
  wrapDataKey,
} from './field-cipher.js';
import { fieldAad, keyIdsIn, openCitizenFields, sealCitizenFields } from './citizen-fields.js';
import { residentIdHash } from './keyed-hash.js';

const key = newDataKey();
const lookup = { key: (id: string) => (id === key.id ? key.key : undefined) };
const HANDOFF = '7b0c3f4e-2a4b-4c1d-9e8f-0a1b2c3d4e5f';
const OTHER = '0f0e0d0c-0b0a-4908-8706-050403020100';

describe('field cipher (AES-256-GCM)', () => {
  it('round-trips any JSON value and names its key', () => {
    for (const value of ['张三', '110101199003071234', { a: [1, 'b'] }, 42, null]) {
      const token = encryptValue(key, fieldAad(HANDOFF, 'person.name'), value);
      expect(keyIdOf(token)).toBe(key.id);
      expect(decryptValue(lookup, fieldAad(HANDOFF, 'person.name'), token)).toEqual(value);
    }
  });

  it('makes a new ciphertext each time (random IV)', () => {
    expect(encryptValue(key, 'x', '张三')).not.toBe(encryptValue(key, 'x', '张三'));
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const token = encryptValue(key, 'aad', '13800138000');
    const [prefix, id, iv, tag, body] = token.split('.') as [string, string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0] ^ 1;
      return bytes.toString('base64url');
    };
    for (const altered of [
      [prefix, id, iv, tag, flip(body)],
      [prefix, id, iv, flip(tag), body],
      [prefix, id, flip(iv), tag, body],
    ]) {
      expect(() => decryptValue(lookup, 'aad', altered.join('.'))).toThrow(DecryptionError);
    }
  });

  it('refuses the wrong associated data: a ciphertext moved to another row or field', () => {
    const token = encryptValue(key, fieldAad(HANDOFF, 'person.idNumber'), '110101199003071234');
    expect(() => decryptValue(lookup, fieldAad(OTHER, 'person.idNumber'), token)).toThrow(DecryptionError);
    expect(() => decryptValue(lookup, fieldAad(HANDOFF, 'person.name'), token)).toThrow(DecryptionError);
  });

  it('refuses the wrong key, and an unknown key id', () => {
    const token = encryptValue(key, 'aad', '张三');
    expect(() => decryptValue({ key: () => randomBytes(32) }, 'aad', token)).toThrow(DecryptionError);
    expect(() => decryptValue({ key: () => undefined }, 'aad', token)).toThrow(/unknown data key/);
  });

  it('wraps data keys under the master key; another master key cannot unwrap them', () => {
    const master = randomBytes(32);
    const wrapped = wrapDataKey(master, key);
    expect(wrapped).not.toContain(key.key.toString('base64'));
    expect(unwrapDataKey(master, key.id, wrapped)).toEqual(key.key);
    expect(() => unwrapDataKey(randomBytes(32), key.id, wrapped)).toThrow(DecryptionError);
    expect(() => unwrapDataKey(master, 'another-id', wrapped)).toThrow(DecryptionError);
    expect(masterKeyFingerprint(master)).not.toBe(masterKeyFingerprint(randomBytes(32)));
  });

  it('reads configured keys as base64 or hex, 32 bytes only', () => {
    expect(parseKey32('ab'.repeat(32))).toHaveLength(32);
    expect(parseKey32(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(parseKey32('ab'.repeat(31))).toBeNull();
    expect(parseKey32(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseKey32(undefined)).toBeNull();
  });
});

describe('citizen fields, field by field', () => {
  const details = {
    person: { name: '张三', idNumber: '110101199003071234', phone: '13800138000' },
    situation: 'crime-victim',
    investigationEndedOn: '2026-03-02',
    findings: '被害人受伤，家庭困难',
    suggestion: '建议救助',
    priorityGroups: ['minor'],
  };

  it('encrypts the person and the free texts, keeps dates and categories plain', () => {
    const sealed = sealCitizenFields(key, HANDOFF, details);
    const text = JSON.stringify(sealed);
    for (const secret of ['张三', '110101199003071234', '13800138000', '被害人受伤', '建议救助']) expect(text).not.toContain(secret);
    expect(sealed).toMatchObject({ situation: 'crime-victim', investigationEndedOn: '2026-03-02', priorityGroups: ['minor'] });
    expect(Object.keys(sealed.person as object)).toEqual(['name', 'idNumber', 'phone']);
    expect([...keyIdsIn(sealed)]).toEqual([key.id]);
    expect(openCitizenFields(lookup, HANDOFF, sealed)).toEqual(details);
  });

  it('sealing twice changes nothing; plain rows (before encryption) read as they are', () => {
    const sealed = sealCitizenFields(key, HANDOFF, details);
    expect(sealCitizenFields(key, HANDOFF, sealed)).toEqual(sealed);
    expect(openCitizenFields(lookup, HANDOFF, details)).toEqual(details);
  });

  it('a sealed record copied to another handoff does not decrypt', () => {
    const sealed = sealCitizenFields(key, HANDOFF, details);
    expect(() => openCitizenFields(lookup, OTHER, sealed)).toThrow(DecryptionError);
  });
});

describe('resident ID keyed hash', () => {
  it('is keyed, stable and normalised, and is not the number', () => {
    const k = randomBytes(32);
    const hash = residentIdHash(k, '11010119900307123x');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(residentIdHash(k, '11010119900307123X')).toBe(hash);
    expect(residentIdHash(randomBytes(32), '11010119900307123X')).not.toBe(hash);
  });
});
