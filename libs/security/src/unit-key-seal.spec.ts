import { randomBytes } from 'node:crypto';
import { DecryptionError } from './field-cipher.js';
import { openSealedKey, sealedKeyId, sealKeyTo, unitSealKeyPair } from './unit-key-seal.js';

describe('a content key sealed to a unit’s key (X25519, HKDF-SHA-256, AES-256-GCM)', () => {
  const education = randomBytes(32);
  const civilAffairs = randomBytes(32);
  const contentKey = randomBytes(32);
  const to = { keyId: 'education_dk1', publicKey: unitSealKeyPair(education).publicKey };

  it('derives the same pair from the same data key, another from another', () => {
    expect(unitSealKeyPair(education).publicKey).toBe(to.publicKey);
    expect(unitSealKeyPair(civilAffairs).publicKey).not.toBe(to.publicKey);
    expect(Buffer.from(to.publicKey, 'base64url')).toHaveLength(32);
  });

  it('opens with the unit’s data key only, bound to its associated data, and names the key it was sealed to', () => {
    const sealed = sealKeyTo(to, 'content-key:ck1|h1', contentKey);
    expect(sealedKeyId(sealed)).toBe('education_dk1');
    expect(openSealedKey(education, 'content-key:ck1|h1', sealed).equals(contentKey)).toBe(true);
    expect(() => openSealedKey(civilAffairs, 'content-key:ck1|h1', sealed)).toThrow(DecryptionError);
    expect(() => openSealedKey(education, 'content-key:ck1|h2', sealed)).toThrow(DecryptionError);
    // A fresh ephemeral key each time: two seals of one key differ.
    expect(sealKeyTo(to, 'a', contentKey)).not.toBe(sealKeyTo(to, 'a', contentKey));
  });

  it('makes a data key’s pair once per process, and still derives each key’s own past the memo’s size', () => {
    expect(unitSealKeyPair(Buffer.from(education)).privateKey).toBe(unitSealKeyPair(education).privateKey);
    const many = Array.from({ length: 300 }, () => randomBytes(32));
    const publicKeys = many.map((key) => unitSealKeyPair(key).publicKey);
    expect(new Set(publicKeys).size).toBe(300);
    // After the memo was emptied on the way, the first key derives the same pair again, and opens its seal.
    const sealed = sealKeyTo({ keyId: 'k0', publicKey: publicKeys[0] }, 'a', contentKey);
    expect(openSealedKey(many[0], 'a', sealed).equals(contentKey)).toBe(true);
    expect(unitSealKeyPair(many[0]).publicKey).toBe(publicKeys[0]);
  });
});
