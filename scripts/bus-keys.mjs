// Prints the settings docker compose needs for the 13 adapters and the scheduler (API key
// digests, webhook secrets, each unit's own DATA_MASTER_KEY, PERSON_ID_HMAC_KEY, each unit's
// SIGNING_PRIVATE_KEY and the registry UNIT_PUBLIC_KEYS, each app's database password), from .bus/keys.json, making the keys if they do not exist yet:
//   node scripts/bus-keys.mjs > .env && docker compose up
// With CRYPTO_SUITE=national the signing keys are SM2 (a unit's Ed25519 key moves to the registry's
// previous keys for its overlap), and CRYPTO_SUITE is printed for the services.
import { UNIT_CODES } from '../dist/libs/contracts/src/index.js';
import { CONSOLE_DATABASE_LOGIN, SCHEDULER_DATABASE_LOGIN, unitDatabaseLogin } from '../dist/libs/persistence/src/index.js';
import { envPrefix, loadOrCreateBusSecrets, loadOrCreateDatabasePasswords, loadOrCreateDataMasterKeys, loadOrCreateKeys, loadOrCreateSigningKeys, sha256, signatureAlgorithmOf } from './lib/keys.mjs';

const keys = loadOrCreateKeys([...UNIT_CODES, 'office']);
for (const code of [...UNIT_CODES, 'office']) {
  console.log(`${envPrefix(code)}_API_KEY_SHA256=${sha256(keys[code].apiKey)}`);
  console.log(`${envPrefix(code)}_WEBHOOK_SECRET=${keys[code].webhookSecret}`);
}
for (const [name, value] of Object.entries(loadOrCreateBusSecrets())) console.log(`${name}=${value}`);
// 第二十四条: each unit's own master key of field encryption (<UNIT>_DATA_MASTER_KEY), never one for two units.
const dataMasterKeys = loadOrCreateDataMasterKeys(UNIT_CODES);
for (const code of UNIT_CODES) console.log(`${envPrefix(code)}_DATA_MASTER_KEY=${dataMasterKeys[code]}`);
const signing = loadOrCreateSigningKeys(UNIT_CODES, signatureAlgorithmOf());
console.log(`CRYPTO_SUITE=${process.env.CRYPTO_SUITE || 'international'}`);
for (const code of UNIT_CODES) console.log(`${envPrefix(code)}_SIGNING_PRIVATE_KEY=${signing.privateKeys[code]}`);
// Single quotes: compose takes the JSON literally.
console.log(`UNIT_PUBLIC_KEYS='${signing.UNIT_PUBLIC_KEYS}'`);
// Each app's database login's password: the migrate service sets them (scripts/db-logins.mjs).
const logins = [...UNIT_CODES.map((code) => [envPrefix(code), unitDatabaseLogin(code)]), ['SCHEDULER', SCHEDULER_DATABASE_LOGIN], ['CONSOLE', CONSOLE_DATABASE_LOGIN]];
const passwords = loadOrCreateDatabasePasswords(logins.map(([, login]) => login));
for (const [prefix, login] of logins) console.log(`${prefix}_DB_PASSWORD=${passwords[login]}`);
