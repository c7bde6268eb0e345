// Field encryption's data keys of one unit (第二十四条: a key per unit), reached through npm run keys:
//   npm run keys -- rotate-data-key --unit <code> [--batch-size N] [--dry-run]
//       moves the unit's rows to its current data key, in batches, each committed: its own copies of
//       handoffs and its measures re-encrypted; on each message, step and document it reads, its seal of
//       the row's content key made again (the other party's seal stays). Safe to interrupt (Ctrl-C, a
//       crash): run it again and it continues where it stopped. A run first finishes what an earlier run
//       left (rows under another key of the unit, or written before the unit had its own key); when
//       nothing is left it makes a new data key (wrapped under the unit's DATA_MASTER_KEY) and moves
//       every row to it. The old keys stay, retired, and still decrypt. Adapters take up a new key
//       within 30 s; run it again after that if the unit's adapter wrote during the run (it reports rows
//       left).
//       A data key belongs to a cryptography suite: with CRYPTO_SUITE set to the other suite than the
//       unit's current key's, the run makes a new key of that suite and moves every row of the unit to
//       it (SM4 with HMAC-SM3 and HMAC-SM3 ID hashes, or back; a shared row's content re-encrypted
//       under a content key of that suite): how a running bus changes suites, unit by unit (docs/crypto.md).
//       --dry-run prints what a run would do (which key, which suite, rows per table) and changes nothing.
//   npm run keys -- revoke-data-keys --unit <code>
//       removes the unit's retired data keys once no row needs them (refused while a rotation is
//       unfinished): a copy of the database with the master key no longer opens what they encrypted.
//   npm run keys -- data-key-status --unit <code>
//       the unit's current data key, its suite, and how many of its rows are under another.
// DATABASE_URL selects the database; DATA_MASTER_KEY is that unit's own (its adapter's, or its
// <UNIT>__DATA_MASTER_KEY in a shared process), DATA_MASTER_KEY_PREVIOUS the single key of before if
// rows are still under it, PERSON_ID_HMAC_KEY as the adapters have it; CRYPTO_SUITE (international,
// the default, or national) the suite the unit's rows end in.
import { parseArgs } from 'node:util';

function fail(message, code = 2) {
  console.error(message);
  process.exit(code);
}

let persistence;
let security;
let contracts;
try {
  persistence = await import('../dist/libs/persistence/src/index.js');
  security = await import('../dist/libs/security/src/index.js');
  contracts = await import('../dist/libs/contracts/src/index.js');
} catch {
  fail('the bus is not built: run npm run build first', 1);
}

const usage = 'usage: npm run keys -- rotate-data-key --unit <code> [--batch-size N] [--dry-run] | revoke-data-keys --unit <code> | data-key-status --unit <code>';
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  strict: true,
  options: { 'batch-size': { type: 'string' }, unit: { type: 'string' }, 'dry-run': { type: 'boolean' } },
});
const [command] = positionals;
const unit = values.unit;
if (!unit || !contracts.UNIT_CODES.includes(unit)) fail(`--unit must name the unit whose keys these are (${contracts.UNIT_CODES.join(', ')})\n${usage}`);
const masterKey = security.parseKey32(process.env.DATA_MASTER_KEY);
const previousMasterKey = process.env.DATA_MASTER_KEY_PREVIOUS ? security.parseKey32(process.env.DATA_MASTER_KEY_PREVIOUS) : undefined;
const idHashKey = security.parseKey32(process.env.PERSON_ID_HMAC_KEY);
if (!masterKey) fail(`DATA_MASTER_KEY must be a 32-byte key, base64 or 64 hex characters (${unit}'s own)`);
if (previousMasterKey === null) fail('DATA_MASTER_KEY_PREVIOUS must be a 32-byte key, base64 or 64 hex characters');
if (!idHashKey) fail('PERSON_ID_HMAC_KEY must be a 32-byte key, base64 or 64 hex characters (the adapters\' one)');
const batchSize = Number(values['batch-size'] ?? 200);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) fail('--batch-size must be 1–10000');
const suiteName = process.env.CRYPTO_SUITE || 'international';
if (!security.isCryptoSuiteName(suiteName)) fail(`CRYPTO_SUITE must be one of ${security.CRYPTO_SUITES.join(', ')}`);
security.useCryptoSuite(suiteName);

let admin;
try {
  admin = await persistence.connectDataKeyRotation(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus', {
    unit,
    masterKey,
    ...(previousMasterKey ? { previousMasterKey } : {}),
    idHashKey,
  });
} catch (err) {
  fail(`cannot open ${unit}'s data keys: ${err.message}`, 1);
}
let stopping = false;
process.on('SIGINT', () => {
  stopping = true;
  console.error('stopping after this batch (run the command again to continue)');
});
try {
  if (command === 'rotate-data-key' && values['dry-run']) {
    const plan = await admin.rotation.plan();
    const rows = Object.entries(plan.rows).map(([table, n]) => `${table} ${n}`).join(', ');
    console.log(
      plan.newKey
        ? `dry run: would make a new ${plan.targetSuite} data key for ${unit} (current ${plan.currentKeyId}, ${plan.currentSuite}) and move its rows to it: ${rows}`
        : `dry run: would continue ${unit}'s rotation to data key ${plan.currentKeyId} (${plan.currentSuite}): ${rows}`,
    );
  } else if (command === 'rotate-data-key') {
    const result = await admin.rotation.run({
      batchSize,
      onBatch: (progress) => {
        console.log(`  ${progress.rows} rows of ${unit} moved to ${progress.keyId}`);
        if (stopping) process.exit(130);
      },
    });
    console.log(
      `${result.newKey ? `new ${result.suite} data key` : `continued the rotation to ${result.suite} data key`} ${result.keyId}: ${result.rows} rows of ${unit} moved in ${result.batches} batches; ${result.remaining} left`,
    );
    if (result.remaining > 0) process.exitCode = 3;
  } else if (command === 'revoke-data-keys') {
    const gone = await admin.rotation.revokeRetired();
    console.log(gone.length > 0 ? `revoked ${unit}'s retired data keys: ${gone.join(', ')}` : `${unit} has no retired data key to revoke`);
  } else if (command === 'data-key-status') {
    const current = await admin.protection.ring.current();
    console.log(`${unit}: current data key ${current.id} (${current.suite ?? 'international'}); rows under another key: ${await admin.rotation.remaining(current.id)}`);
  } else {
    fail(usage);
  }
} catch (err) {
  fail(`keys ${command} failed: ${err.message}`, 1);
} finally {
  await admin.close();
}
