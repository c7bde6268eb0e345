// Local API keys and webhook secrets of the 13 units, made once and kept in .bus/keys.json
// (git-ignored). Adapters only ever see the SHA-256 of a key.
import { createHash, randomBytes } from 'node:crypto';
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
 * The bus-wide secrets of field encryption (issue 9 part 2), made once and kept in .bus/keys.json:
 * DATA_MASTER_KEY wraps the data keys, PERSON_ID_HMAC_KEY keys the hash of ID numbers. Every adapter
 * has the same two.
 */
export function loadOrCreateBusSecrets() {
  const keys = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  if (!keys['field-encryption']) {
    keys['field-encryption'] = { dataMasterKey: randomBytes(32).toString('base64'), personIdHmacKey: randomBytes(32).toString('base64') };
    mkdirSync('.bus', { recursive: true });
    writeFileSync(FILE, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  const { dataMasterKey, personIdHmacKey } = keys['field-encryption'];
  return { DATA_MASTER_KEY: dataMasterKey, PERSON_ID_HMAC_KEY: personIdHmacKey };
}

/** Environment-variable prefix of a unit for docker compose: civil-affairs → CIVIL_AFFAIRS. */
export function envPrefix(code) {
  return code.toUpperCase().replaceAll('-', '_');
}
