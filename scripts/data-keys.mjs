// Field encryption's data keys, reached through npm run keys:
//   npm run keys -- rotate-data-key [--batch-size N] [--dry-run]
//       re-encrypts every citizen field (Handoff.details, HandoffStep.details, Message.payload, Attachment.content) to
//       one data key, in batches, each committed. Safe to interrupt (Ctrl-C, a crash): run it again
//       and it continues where it stopped. A run first finishes what an earlier run left (rows under
//       another key, or written before encryption); when every row is already under the current key,
//       it makes a new data key (wrapped under DATA_MASTER_KEY) and moves every row to it. The old
//       keys stay, retired, and still decrypt. Adapters take up a new key within 30 s; run it again
//       after that if adapters wrote during the run (it reports rows left).
//       A data key belongs to a cryptography suite: with CRYPTO_SUITE set to the other suite than the
//       current key's, the run makes a new key of that suite and moves every row to it (SM4 with
//       HMAC-SM3 and HMAC-SM3 ID hashes, or back): how a running bus changes suites (docs/crypto.md).
//       --dry-run prints what a run would do (which key, which suite, rows per table) and changes nothing.
//   npm run keys -- data-key-status
//       the data keys and how many rows each encrypts.
// DATABASE_URL selects the database; DATA_MASTER_KEY and PERSON_ID_HMAC_KEY as the adapters have them;
// CRYPTO_SUITE (international, the default, or national) the suite the rows end in.
import { parseArgs } from 'node:util';

function fail(message, code = 2) {
  console.error(message);
  process.exit(code);
}

let persistence;
let security;
try {
  persistence = await import('../dist/libs/persistence/src/index.js');
  security = await import('../dist/libs/security/src/index.js');
} catch {
  fail('the bus is not built: run npm run build first', 1);
}

const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { 'batch-size': { type: 'string' }, 'dry-run': { type: 'boolean' } } });
const [command] = positionals;
const masterKey = security.parseKey32(process.env.DATA_MASTER_KEY);
const idHashKey = security.parseKey32(process.env.PERSON_ID_HMAC_KEY);
if (!masterKey) fail('DATA_MASTER_KEY must be a 32-byte key, base64 or 64 hex characters (the adapters\' one)');
if (!idHashKey) fail('PERSON_ID_HMAC_KEY must be a 32-byte key, base64 or 64 hex characters (the adapters\' one)');
const batchSize = Number(values['batch-size'] ?? 200);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) fail('--batch-size must be 1–10000');
const suiteName = process.env.CRYPTO_SUITE || 'international';
if (!security.isCryptoSuiteName(suiteName)) fail(`CRYPTO_SUITE must be one of ${security.CRYPTO_SUITES.join(', ')}`);
security.useCryptoSuite(suiteName);

let admin;
try {
  admin = await persistence.connectDataKeyRotation(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus', { masterKey, idHashKey });
} catch (err) {
  fail(`cannot open the data keys: ${err.message}`, 1);
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
        ? `dry run: would make a new ${plan.targetSuite} data key (current ${plan.currentKeyId}, ${plan.currentSuite}) and re-encrypt to it: ${rows}`
        : `dry run: would continue the rotation to data key ${plan.currentKeyId} (${plan.currentSuite}): ${rows}`,
    );
  } else if (command === 'rotate-data-key') {
    const result = await admin.rotation.run({
      batchSize,
      onBatch: (progress) => {
        console.log(`  ${progress.rows} rows re-encrypted to ${progress.keyId}`);
        if (stopping) process.exit(130);
      },
    });
    console.log(
      `${result.newKey ? `new ${result.suite} data key` : `continued the rotation to ${result.suite} data key`} ${result.keyId}: ${result.rows} rows re-encrypted in ${result.batches} batches; ${result.remaining} left`,
    );
    if (result.remaining > 0) process.exitCode = 3;
  } else if (command === 'data-key-status') {
    const current = await admin.protection.ring.current();
    console.log(`current data key ${current.id} (${current.suite ?? 'international'}); rows under another key: ${await admin.rotation.remaining(current.id)}`);
  } else {
    fail('usage: npm run keys -- rotate-data-key [--batch-size N] [--dry-run] | data-key-status');
  }
} catch (err) {
  fail(`keys ${command} failed: ${err.message}`, 1);
} finally {
  await admin.close();
}
