import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import gmCrypto from 'gm-crypto';
import smCrypto from 'sm-crypto';
import { sm2 } from 'sm-crypto-v2';
import { cryptoSuite, useCryptoSuite } from './crypto-suite.js';
import { ciphertextSuite, decryptValue, encryptValue, newDataKey, unwrapDataKey, wrapDataKey, wrappedKeySuite } from './field-cipher.js';
import { residentIdHash, residentIdHashes } from './keyed-hash.js';
import {
  canonicalEnvelope,
  messageSigner,
  newSigningKeyPair,
  parseSigningRegistry,
  signEnvelope,
  type SignableEnvelope,
  sm2Sign,
  sm2Verify,
  verifyEnvelope,
} from './message-signature.js';
import { sm4Keys } from './sm4-authenticated.js';

// The national suite against the standards' published examples, and against a second, independent
// implementation (sm-crypto for SM2/SM3-HMAC/SM4, gm-crypto for SM3/SM4, both on jsbn; the suite
// itself uses Node's OpenSSL for SM3/SM4 and sm-crypto-v2, on @noble/curves, for SM2), both ways.

const hex = (text: string) => text.replace(/\s+/g, '').toLowerCase();

describe('SM3 (GB/T 32905-2016, example 1)', () => {
  const abc = hex('66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0');

  it('hashes "abc" to the standard\'s digest, as does an independent implementation', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(abc);
    expect(gmCrypto.SM3.digest('abc', 'utf8', 'hex')).toBe(abc);
  });

  it('hashes the 64-byte "abcd"×16 to the standard\'s second example', () => {
    expect(createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe(hex('debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732'));
  });

  it('HMAC-SM3 agrees with sm-crypto\'s', () => {
    const key = randomBytes(32);
    const message = randomBytes(300);
    expect(createHmac('sm3', key).update(message).digest('hex')).toBe(smCrypto.sm3([...message], { key: key.toString('hex') }));
  });
});

describe('SM4 (GB/T 32907-2016, example 1)', () => {
  const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');

  it('encrypts the example block to the standard\'s ciphertext (the CTR keystream of the suite is this block function)', () => {
    // CTR with the plaintext as the initial counter over a zero block: the keystream's first block is SM4_K(counter)
    const ctr = createCipheriv('sm4-ctr', key, key);
    expect(Buffer.concat([ctr.update(Buffer.alloc(16)), ctr.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(gmCrypto.SM4.encrypt(key, key.toString('hex'), { outputEncoding: 'hex' }).slice(0, 32)).toBe('681edf34d206965e86b3e94f536e4246');
  });
});

describe('SM2 signature (GB/T 32918.2 with the recommended curve of GB/T 32918.5, Annex A)', () => {
  // GB/T 32918.2's own worked example uses a 256-bit test curve, not the recommended SM2 curve the
  // libraries implement; this is the recommended-curve example of GM/T 0003.5-2012 / GB/T 32918.5-2017
  // Annex A, which the SM2 libraries test against: ID 1234567812345678, message "message digest".
  const d = hex('3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8');
  const point = `04${hex('09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020')}${hex('CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13')}`;
  const k = hex('59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21');
  const e = hex('F0B43E94 BA45ACCA ACE692ED 534382EB 17E6AB5A 19CE7B31 F4486FDF C0D28640');
  const r = hex('F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3');
  const s = hex('B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA');
  const id = '1234567812345678';
  const message = Buffer.from('message digest', 'utf8');

  it('derives the example\'s public key and e = SM3(Z_A ‖ M)', () => {
    expect(sm2.getPublicKeyFromPrivateKey(d)).toBe(point);
    expect(sm2.getHash(message, point, id)).toBe(e);
  });

  it('signs with the example\'s k to the example\'s (r, s), and verifies it', () => {
    const kG = sm2.getPublicKeyFromPrivateKey(k);
    const signature = sm2.doSignature(message, d, { hash: true, publicKey: point, userId: id, pointPool: [{ k: BigInt(`0x${k}`), x1: BigInt(`0x${kG.slice(2, 66)}`) }] });
    expect(signature).toBe(r + s);
    expect(sm2Verify(point, id, message, Buffer.from(r + s, 'hex'))).toBe(true);
    expect(smCrypto.sm2.doVerifySignature([...message], r + s, point, { hash: true, userId: id })).toBe(true);
  });

  it('refuses the example\'s signature under another identifier or over another message (Z_A is in the hash)', () => {
    expect(sm2Verify(point, 'ALICE123@YAHOO.COM', message, Buffer.from(r + s, 'hex'))).toBe(false);
    expect(sm2Verify(point, id, Buffer.from('message digesT'), Buffer.from(r + s, 'hex'))).toBe(false);
  });

  it('interoperates with sm-crypto both ways', () => {
    const pair = smCrypto.sm2.generateKeyPairHex();
    const bytes = randomBytes(200);
    const theirs = smCrypto.sm2.doSignature([...bytes], pair.privateKey, { hash: true, publicKey: pair.publicKey, userId: 'education' });
    expect(sm2Verify(pair.publicKey, 'education', bytes, Buffer.from(theirs, 'hex'))).toBe(true);
    const ours = sm2Sign({ scalar: pair.privateKey, point: pair.publicKey }, 'education', bytes);
    expect(smCrypto.sm2.doVerifySignature([...bytes], ours.toString('hex'), pair.publicKey, { hash: true, userId: 'education' })).toBe(true);
    expect(smCrypto.sm2.doVerifySignature([...bytes], ours.toString('hex'), pair.publicKey, { hash: true, userId: 'procuratorate' })).toBe(false);
  });
});

describe('the national field cipher: SM4-CTR + HMAC-SM3, encrypt-then-MAC', () => {
  afterEach(() => useCryptoSuite('international'));

  it('names its algorithm, and an independent SM4 and HMAC-SM3 (HKDF-SM3 keys) open it', () => {
    const key = newDataKey('national');
    const token = encryptValue(key, 'h1:person.name', '林某某');
    expect(token.startsWith(`enc2.sm4-ctr-hmac-sm3.${key.id}.`)).toBe(true);
    expect(ciphertextSuite(token)).toBe('national');
    const [, , , iv, tag, body] = token.split('.') as [string, string, string, string, string, string];
    const [ivBytes, tagBytes, bodyBytes] = [iv, tag, body].map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];

    // HKDF (RFC 5869) with HMAC-SM3 from sm-crypto: PRK = HMAC(zeros, IKM); OKM = HMAC(PRK, info ‖ 0x01)
    const hmac = (k: Buffer, m: Buffer) => Buffer.from(smCrypto.sm3([...m], { key: k.toString('hex') }), 'hex');
    const prk = hmac(Buffer.alloc(32), key.key);
    const okm = (info: string, length: number) => hmac(prk, Buffer.concat([Buffer.from(info), Buffer.from([1])])).subarray(0, length);
    const encryptionKey = okm('bus field cipher: SM4-CTR key', 16);
    const macKey = okm('bus field cipher: HMAC-SM3 key', 32);
    expect(encryptionKey.equals(sm4Keys(key.key).encryption)).toBe(true);

    // the MAC over the length-prefixed header, AAD, IV and body
    const prefixed = ([Buffer.from('enc2.sm4-ctr-hmac-sm3.' + key.id), Buffer.from('h1:person.name'), ivBytes, bodyBytes] as Buffer[]).flatMap((part) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.length);
      return [length, part];
    });
    expect(hmac(macKey, Buffer.concat(prefixed)).equals(tagBytes)).toBe(true);

    // SM4-CTR by hand with gm-crypto's block function: keystream block i = SM4_K(IV + i)
    let counter = BigInt(`0x${ivBytes.toString('hex')}`);
    const plain = Buffer.alloc(bodyBytes.length);
    for (let offset = 0; offset < bodyBytes.length; offset += 16) {
      const block = Buffer.from(counter.toString(16).padStart(32, '0'), 'hex');
      const stream = Buffer.from(gmCrypto.SM4.encrypt(block, encryptionKey.toString('hex'), { outputEncoding: 'hex' }).slice(0, 32), 'hex');
      for (let i = 0; i < 16 && offset + i < bodyBytes.length; i += 1) plain[offset + i] = (bodyBytes[offset + i] ?? 0) ^ (stream[i] ?? 0);
      counter = (counter + 1n) % (1n << 128n);
    }
    expect(JSON.parse(plain.toString('utf8'))).toBe('林某某');
  });

  it('decrypts what an independent SM4-CTR and HMAC-SM3 made in its format', () => {
    const key = newDataKey('national');
    const keys = sm4Keys(key.key);
    const iv = randomBytes(16);
    const plain = Buffer.from(JSON.stringify({ phone: '13800000000' }));
    const stream = Buffer.concat(
      Array.from({ length: Math.ceil(plain.length / 16) }, (_, i) => {
        const block = Buffer.from(((BigInt(`0x${iv.toString('hex')}`) + BigInt(i)) % (1n << 128n)).toString(16).padStart(32, '0'), 'hex');
        return Buffer.from(smCrypto.sm4.encrypt([...block], keys.encryption.toString('hex'), { padding: 'none' }) as string, 'hex');
      }),
    );
    const body = Buffer.from(plain.map((byte, i) => byte ^ (stream[i] ?? 0)));
    const header = `enc2.sm4-ctr-hmac-sm3.${key.id}`;
    const parts = [Buffer.from(header), Buffer.from('h2:contact'), iv, body].flatMap((part) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.length);
      return [length, part];
    });
    const tag = Buffer.from(smCrypto.sm3([...Buffer.concat(parts)], { key: keys.mac.toString('hex') }), 'hex');
    const token = `${header}.${iv.toString('base64url')}.${tag.toString('base64url')}.${body.toString('base64url')}`;
    expect(decryptValue({ key: () => key.key }, 'h2:contact', token)).toEqual({ phone: '13800000000' });
    expect(() => decryptValue({ key: () => key.key }, 'h3:contact', token)).toThrow('does not decrypt');
  });

  it('refuses an altered body, tag or algorithm name, and reads the international suite\'s enc1 meanwhile', () => {
    const key = newDataKey('national');
    const token = encryptValue(key, 'aad', { a: 1 });
    const parts = token.split('.');
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    for (const index of [3, 4, 5]) {
      const altered = parts.map((part, i) => (i === index ? flip(part) : part)).join('.');
      expect(() => decryptValue({ key: () => key.key }, 'aad', altered)).toThrow();
    }
    expect(() => decryptValue({ key: () => key.key }, 'aad', token.replace('sm4-ctr-hmac-sm3', 'sm4-ctr'))).toThrow('unknown cipher');
    const international = encryptValue({ ...key, suite: 'international' }, 'aad', { a: 2 });
    expect(international.startsWith(`enc1.${key.id}.`)).toBe(true);
    expect(decryptValue({ key: () => key.key }, 'aad', international)).toEqual({ a: 2 });
  });

  it('writes in the process\'s suite by default; a data key is wrapped in its own suite', () => {
    useCryptoSuite('national');
    const key = newDataKey();
    expect(key.suite).toBe('national');
    const master = randomBytes(32);
    const wrapped = wrapDataKey(master, key);
    expect(wrappedKeySuite(wrapped)).toBe('national');
    expect(unwrapDataKey(master, key.id, wrapped).equals(key.key)).toBe(true);
    expect(wrappedKeySuite(wrapDataKey(master, newDataKey('international')))).toBe('international');
  });
});

describe('keyed hash of ID numbers in the national suite', () => {
  afterEach(() => useCryptoSuite('international'));

  it('is HMAC-SM3; a lookup computes both suites\' hashes, the process\'s first', () => {
    const key = randomBytes(32);
    const sm3 = createHmac('sm3', key).update('resident-id:').update('35058219800101123X').digest('hex');
    expect(residentIdHash(key, '350582 19800101123x', cryptoSuite('national'))).toBe(sm3);
    useCryptoSuite('national');
    expect(residentIdHash(key, '35058219800101123X')).toBe(sm3);
    expect(residentIdHashes(key, '35058219800101123X')).toEqual([sm3, residentIdHash(key, '35058219800101123X', cryptoSuite('international'))]);
  });
});

describe('SM2 message signatures', () => {
  const UNITS = ['procuratorate', 'education'];
  const national = newSigningKeyPair(cryptoSuite('national'));
  const international = newSigningKeyPair();
  const education = newSigningKeyPair(cryptoSuite('national'));
  const NOW = new Date('2026-12-01T10:00:00Z');
  const envelope: SignableEnvelope = {
    id: '3f1e2d3c-4b5a-4697-8877-665544332211',
    type: 'handoff.judicial-referral',
    schemaVersion: 1,
    from: 'procuratorate',
    to: 'education',
    handoffId: 'a1b2c3d4-0000-4000-8000-000000000001',
    caseRef: '晋检救〔2026〕1号',
    correlationId: 'a1b2c3d4-0000-4000-8000-000000000001',
    causationId: null,
    occurredAt: '2026-12-01T09:00:00.000Z',
    priority: 'normal',
    payload: { person: { name: '林某某' } },
  };
  const registry = parseSigningRegistry(
    JSON.stringify({
      procuratorate: [{ key: national.publicKey, alg: 'sm2' }, { key: international.publicKey, notAfter: '2026-12-08T00:00:00Z' }],
      education: [{ key: education.publicKey, alg: 'sm2' }],
    }),
    UNITS,
  );

  it('signs an envelope with SM2 over an SM3-hashed canonical form, names it, and verifies it; the registry keeps the previous Ed25519 key verifying', () => {
    const signature = signEnvelope(messageSigner('procuratorate', national.privateKey), envelope);
    expect(signature).toMatch(new RegExp(`^sm2\\.${national.keyId}\\.[A-Za-z0-9_-]{86}$`));
    expect(canonicalEnvelope(envelope, 'sm2').toString()).toContain('"payloadSm3":');
    expect(verifyEnvelope(registry, envelope, signature, NOW)).toEqual({ ok: true, keyId: national.keyId });
    const old = signEnvelope(messageSigner('procuratorate', international.privateKey), envelope);
    expect(verifyEnvelope(registry, envelope, old, NOW)).toEqual({ ok: true, keyId: international.keyId });
  });

  it('refuses an altered payload, another unit\'s key, and a signature relabelled with the other algorithm', () => {
    const signature = signEnvelope(messageSigner('procuratorate', national.privateKey), envelope);
    expect(verifyEnvelope(registry, { ...envelope, payload: { person: { name: '林某' } } }, signature, NOW)).toMatchObject({ ok: false });
    const byEducation = signEnvelope(messageSigner('education', education.privateKey), { ...envelope, from: 'education' });
    expect(verifyEnvelope(registry, envelope, byEducation, NOW)).toMatchObject({ ok: false });
    expect(verifyEnvelope(registry, envelope, signature.replace(/^sm2\./, 'ed25519.'), NOW)).toMatchObject({ ok: false });
  });

  it('binds the signer\'s identity through Z_A: the same key signing as another unit does not verify for the sender', () => {
    const key = { scalar: national.privateKey.slice(4), point: sm2.getPublicKeyFromPrivateKey(national.privateKey.slice(4)) };
    const asEducation = sm2Sign(key, 'education', canonicalEnvelope(envelope, 'sm2')).toString('base64url');
    expect(verifyEnvelope(registry, envelope, `sm2.${national.keyId}.${asEducation}`, NOW)).toMatchObject({ ok: false });
  });

  it('refuses an SM2 registry entry that is not a point of the curve', () => {
    const bad = Buffer.alloc(65, 1);
    bad[0] = 4;
    expect(() => parseSigningRegistry(JSON.stringify({ procuratorate: [{ key: bad.toString('base64'), alg: 'sm2' }], education: [{ key: education.publicKey, alg: 'sm2' }] }), UNITS)).toThrow(
      'SM2 public key',
    );
  });
});
