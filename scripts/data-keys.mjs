// Field encryption's data keys, reached through npm run keys:
//   npm run keys -- rotate-data-key [--batch-size N]
//       re-encrypts every citizen field (Handoff.details, HandoffStep.details, Message.payload, Attachment.content) to
//       one data key, in batches, each committed. Safe to interrupt (Ctrl-C, a crash): run it again
//       and it continues where it stopped. A run first finishes what an earlier run left (rows under
//       another key, or written before encryption); when every row is already under the current key,
//       it makes a new data key (wrapped under DATA_MASTER_KEY) and moves every row to it. The old
//       keys stay, retired, and still decrypt. Adapters take up a new key within 30 s; run it again
//       after that if adapters wrote during the run (it reports rows left).
//   npm run keys -- data-key-status
//       the data keys and how many rows each encrypts.
// DATABASE_URL selects the database; DATA_MASTER_KEY and PERSON_ID_HMAC_KEY as the adapters have them.
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

const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true, options: { 'batch-size': { type: 'string' } } });
const [command] = positionals;
const masterKey = security.parseKey32(process.env.DATA_MASTER_KEY);
const idHashKey = security.parseKey32(process.env.PERSON_ID_HMAC_KEY);
if (!masterKey) fail('DATA_MASTER_KEY must be a 32-byte key, base64 or 64 hex characters (the adapters\' one)');
if (!idHashKey) fail('PERSON_ID_HMAC_KEY must be a 32-byte key, base64 or 64 hex characters (the adapters\' one)');
const batchSize = Number(values['batch-size'] ?? 200);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) fail('--batch-size must be 1–10000');

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
  if (command === 'rotate-data-key') {
    const result = await admin.rotation.run({
      batchSize,
      onBatch: (progress) => {
        console.log(`  ${progress.rows} rows re-encrypted to ${progress.keyId}`);
        if (stopping) process.exit(130);
      },
    });
    console.log(
      `${result.newKey ? 'new data key' : 'continued the rotation to data key'} ${result.keyId}: ${result.rows} rows re-encrypted in ${result.batches} batches; ${result.remaining} left`,
    );
    if (result.remaining > 0) process.exitCode = 3;
  } else if (command === 'data-key-status') {
    const current = await admin.protection.ring.current();
    console.log(`current data key ${current.id}; rows under another key: ${await admin.rotation.remaining(current.id)}`);
  } else {
    fail('usage: npm run keys -- rotate-data-key [--batch-size N] | data-key-status');
  }
} catch (err) {
  fail(`keys ${command} failed: ${err.message}`, 1);
} finally {
  await admin.close();
}
