// Local API keys and webhook secrets of the 13 units, made once and kept in .bus/keys.json
// (git-ignored). Adapters only ever see the SHA-256 of a key.
import { createHash, createHmac, generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { sm2 } from 'sm-crypto-v2';

const FILE = '.bus/keys.json';

export function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

export function loadOrCreateKeys(codes) {
  const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  let changed = false;
  for (const code of codes) {
    if (!keys[code]) {
      keys[code] = { apiKey: randomBytes(24).toString('hex'), webhookSecret: randomBytes(24).toString('hex') };
      changed = true;
    }
  }
  if (changed) {
    mkdirSync('.bus', { recursive: true });
    writeFileSync(FILE, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return keys;
}

/**
 * The bus-wide secret of field encryption, made once and kept in .bus/keys.json: PERSON_ID_HMAC_KEY
 * keys the hash of ID numbers (every adapter has it: the ledger joins a person across units by it).
 * A .bus made when every adapter shared one master key also gives that key as
 * DATA_MASTER_KEY_PREVIOUS, so what was written under it still opens until each unit's rotation.
 */
export function loadOrCreateBusSecrets() {
  const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  if (!keys['field-encryption']) {
    keys['field-encryption'] = { personIdHmacKey: randomBytes(32).toString('base64') };
    saveKeys(keys);
  }
  const { dataMasterKey, personIdHmacKey } = keys['field-encryption'];
  return { PERSON_ID_HMAC_KEY: personIdHmacKey, ...(dataMasterKey ? { DATA_MASTER_KEY_PREVIOUS: dataMasterKey } : {}) };
}

/**
 * Each unit's own DATA_MASTER_KEY (第二十四条: it wraps that unit's data keys only), made once and kept
 * in .bus/keys.json under field-encryption.masterKeys.<unit>.
 */
export function loadOrCreateDataMasterKeys(codes) {
  const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  keys['field-encryption'] ??= { personIdHmacKey: randomBytes(32).toString('base64') };
  const masterKeys = (keys['field-encryption'].masterKeys ??= {});
  let changed = false;
  for (const code of codes) {
    if (!masterKeys[code]) {
      masterKeys[code] = randomBytes(32).toString('base64');
      changed = true;
    }
  }
  if (changed) saveKeys(keys);
  return Object.fromEntries(codes.map((code) => [code, masterKeys[code]]));
}

/** The signature algorithm of a cryptography suite (CRYPTO_SUITE): Ed25519 (international) or SM2 (national). */
export function signatureAlgorithmOf(suite = process.env.CRYPTO_SUITE || 'international') {
  if (suite !== 'international' && suite !== 'national') throw new Error('CRYPTO_SUITE must be international or national');
  return suite === 'national' ? 'sm2' : 'ed25519';
}

/**
 * A new key pair as the adapters take it, of `alg`: Ed25519 (private key base64 PKCS#8 DER, public
 * key raw base64) or SM2 (private key sm2:<64 hex>, public key base64 of 04‖x‖y), as
 * libs/security newSigningKeyPair makes them.
 */
export function newSigningKeyPair(alg = 'ed25519') {
  if (alg === 'sm2') {
    const pair = sm2.generateKeyPairHex();
    return { alg, privateKey: `sm2:${pair.privateKey.padStart(64, '0')}`, publicKey: Buffer.from(sm2.getPublicKeyFromPrivateKey(pair.privateKey), 'hex').toString('base64') };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    alg,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64'),
  };
}

/** A public key's id as libs/security signingKeyId computes it: SHA-256 (Ed25519) or SM3 (SM2) of its raw bytes, 16 hex. */
export function signingKeyId(publicKey, alg = 'ed25519') {
  return createHash(alg === 'sm2' ? 'sm3' : 'sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 16);
}

/** Moves a unit to a new pair of `alg`; the current public key verifies until `notAfter` (ISO). */
export function rotateSigningKey(entry, alg, notAfter) {
  entry.previous = [
    { publicKey: entry.current.publicKey, alg: entry.current.alg ?? 'ed25519', notAfter },
    ...(entry.previous ?? []).filter((p) => Date.parse(p.notAfter) > Date.now()),
  ];
  entry.current = newSigningKeyPair(alg);
}

/**
 * Each unit's key pair of the deployment's suite (CRYPTO_SUITE), made once and kept in .bus/keys.json
 * under signing.<unit>: the current pair and previous public keys with the end of their overlap
 * (npm run keys -- rotate-signing-key). A unit whose key is of the other suite gets a new pair, its
 * old key verifying for KEY_OVERLAP_DAYS (7): the local bus changes suites at its next start.
 * Returns the registry (UNIT_PUBLIC_KEYS, each key with its alg) and each unit's private key.
 */
export function loadOrCreateSigningKeys(codes, alg = signatureAlgorithmOf()) {
  const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  keys.signing ??= {};
  let changed = false;
  const overlapEnd = new Date(Date.now() + Number(process.env.KEY_OVERLAP_DAYS ?? 7) * 86_400_000).toISOString();
  for (const code of codes) {
    if (!keys.signing[code]) {
      keys.signing[code] = { current: newSigningKeyPair(alg), previous: [] };
      changed = true;
    } else if ((keys.signing[code].current.alg ?? 'ed25519') !== alg) {
      rotateSigningKey(keys.signing[code], alg, overlapEnd);
      changed = true;
    }
  }
  if (changed) saveKeys(keys);
  return signingSettings(keys, codes);
}

export function signingSettings(keys, codes) {
  const now = Date.now();
  const registry = Object.fromEntries(
    codes.map((code) => {
      const { current, previous = [] } = keys.signing[code];
      return [
        code,
        [
          { key: current.publicKey, alg: current.alg ?? 'ed25519' },
          ...previous.filter((p) => Date.parse(p.notAfter) > now).map((p) => ({ key: p.publicKey, alg: p.alg ?? 'ed25519', notAfter: p.notAfter })),
        ],
      ];
    }),
  );
  return {
    UNIT_PUBLIC_KEYS: JSON.stringify(registry),
    privateKeys: Object.fromEntries(codes.map((code) => [code, keys.signing[code].current.privateKey])),
  };
}

export function readKeys() {
  return existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
}

export function saveKeys(keys) {
  mkdirSync('.bus', { recursive: true });
  writeFileSync(FILE, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}

/** Environment-variable prefix of a unit for docker compose: civil-affairs → CIVIL_AFFAIRS. */
export function envPrefix(code) {
  return code.toUpperCase().replaceAll('-', '_');
}

/**
 * A password for each app's database login, made once and kept in .bus/keys.json
 * under database-logins.<login>: for docker compose's PostgreSQL, which asks every login for one.
 */
export function loadOrCreateDatabasePasswords(logins) {
  const keys = readKeys();
  keys['database-logins'] ??= {};
  let changed = false;
  for (const login of logins) {
    if (!keys['database-logins'][login]) {
      keys['database-logins'][login] = randomBytes(24).toString('hex');
      changed = true;
    }
  }
  if (changed) saveKeys(keys);
  return keys['database-logins'];
}

/**
 * PostgreSQL's SCRAM-SHA-256 verifier of a password (RFC 5802/7677, as libpq's
 * PQencryptPasswordConn makes it): ALTER ROLE ... PASSWORD '<verifier>' stores it as it is, so the
 * password itself never reaches the server or its statement log.
 */
export function scramVerifier(password, iterations = 4096) {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
