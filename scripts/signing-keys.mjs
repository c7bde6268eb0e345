// The units' message-signing keys of the local bus (Ed25519, or SM2 in the national suite), in .bus/keys.json:
//   npm run keys -- rotate-signing-key <unit> [--overlap-days N] [--suite international|national]
//       makes the unit a new key pair, of the suite given (default CRYPTO_SUITE, else the unit's
//       current key's kind); its previous public key stays in the registry
//       (UNIT_PUBLIC_KEYS) until the overlap ends (KEY_OVERLAP_DAYS, default 7), so messages it
//       signed before the switch still verify. Restart the bus (npm run bus), or regenerate .env
//       (node scripts/bus-keys.mjs > .env) and recreate the adapters: every adapter needs the new
//       registry, the unit's adapter its new SIGNING_PRIVATE_KEY.
//   npm run keys -- signing-keys
//       the registry: each unit's current key id and previous keys with their overlap end.
// Elsewhere than this local bus the same happens with the deployment's secrets: a new pair
// (scripts/lib/keys.mjs newSigningKeyPair: Ed25519 through node:crypto, SM2 through sm-crypto-v2),
// the old public key given a notAfter in UNIT_PUBLIC_KEYS. Moving a deployment to the other suite is
// this rotation for every unit, with --suite (docs/crypto.md).
import { parseArgs } from 'node:util';
import { UNIT_CODES } from '../dist/libs/contracts/src/index.js';
import { loadOrCreateSigningKeys, readKeys, rotateSigningKey, saveKeys, signatureAlgorithmOf, signingKeyId } from './lib/keys.mjs';

function fail(message, code = 2) {
  console.error(message);
  process.exit(code);
}

const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { 'overlap-days': { type: 'string' }, suite: { type: 'string' } } });
const [command, unit, ...extra] = positionals;
const keyId = (key) => signingKeyId(key.publicKey, key.alg ?? 'ed25519');
if (values.suite !== undefined && !['international', 'national'].includes(values.suite)) fail('--suite must be international or national');
if (!readKeys().signing) loadOrCreateSigningKeys(UNIT_CODES);
const keys = readKeys();

if (command === 'rotate-signing-key') {
  if (!UNIT_CODES.includes(unit) || extra.length) fail(`usage: npm run keys -- rotate-signing-key <unit> [--overlap-days N] [--suite international|national]; unit one of ${UNIT_CODES.join(', ')}`);
  const overlapDays = Number(values['overlap-days'] ?? process.env.KEY_OVERLAP_DAYS ?? 7);
  if (!Number.isFinite(overlapDays) || overlapDays < 0 || overlapDays > 90) fail('--overlap-days (KEY_OVERLAP_DAYS) must be a number of days from 0 to 90');
  const entry = keys.signing[unit];
  const notAfter = new Date(Date.now() + overlapDays * 86_400_000).toISOString();
  const suite = values.suite ?? process.env.CRYPTO_SUITE;
  const alg = suite ? signatureAlgorithmOf(suite) : (entry.current.alg ?? 'ed25519');
  rotateSigningKey(entry, alg, notAfter);
  saveKeys(keys);
  console.log(`${unit}: new ${alg} signing key ${keyId(entry.current)}; the previous one verifies until ${notAfter}.`);
  console.log('Restart the bus (npm run bus), or: node scripts/bus-keys.mjs > .env && docker compose up -d (every adapter takes the new registry).');
} else if (command === 'signing-keys') {
  for (const code of UNIT_CODES) {
    const { current, previous = [] } = keys.signing[code];
    const old = previous.map((p) => `${p.alg ?? 'ed25519'} ${keyId(p)} until ${p.notAfter}`).join(', ');
    console.log(`${code.padEnd(20)} current ${current.alg ?? 'ed25519'} ${keyId(current)}${old ? `; previous ${old}` : ''}`);
  }
} else {
  fail('usage: npm run keys -- rotate-signing-key <unit> [--overlap-days N] [--suite international|national] | signing-keys');
}
