// Local API keys and webhook secrets of the 13 units, made once and kept in .bus/keys.json
// (git-ignored). Adapters only ever see the SHA-256 of a key.
import { createHash, createHmac, generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

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

/** A new Ed25519 key pair as the adapters take it: private key base64 PKCS#8 DER, public key raw base64. */
export function newSigningKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64'),
  };
}

/**
 * Each unit's Ed25519 key pair, made once and kept in .bus/keys.json under
 * signing.<unit>: the current pair and previous public keys with the end of their overlap
 * (npm run keys -- rotate-signing-key). Returns the registry (UNIT_PUBLIC_KEYS) and each unit's private key.
 */
export function loadOrCreateSigningKeys(codes) {
  const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  keys.signing ??= {};
  let changed = false;
  for (const code of codes) {
    if (!keys.signing[code]) {
      keys.signing[code] = { current: newSigningKeyPair(), previous: [] };
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
      return [code, [{ key: current.publicKey }, ...previous.filter((p) => Date.parse(p.notAfter) > now).map((p) => ({ key: p.publicKey, notAfter: p.notAfter }))]];
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
