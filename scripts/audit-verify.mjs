// npm run audit:verify — checks the evidence log: every chain's records hash to
// what they say, each follows the one before, none is missing, and every signed checkpoint is its
// writer's and matches. Prints each chain and the first record changed, inserted or removed; exits 1
// when one is found. Prints too each chain's unsigned tail: the records after its last signed
// checkpoint, which nothing vouches for (their removal from the end would not show), with their
// count, first and last seq and the age of the oldest; the adapters sign it every
// AUDIT_CHECKPOINT_INTERVAL_MS while records arrive, so a tail much older than that means a writer
// stopped before signing it.
// DATABASE_URL selects the database (default postgresql://postgres@127.0.0.1:5432/bus, as npm run bus);
// UNIT_PUBLIC_KEYS (the adapters' registry) to check the checkpoints' signatures — without it they are
// compared, not authenticated. With npm run bus's keys: UNIT_PUBLIC_KEYS is taken from .bus/keys.json.
import { existsSync } from 'node:fs';

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

let registryJson = process.env.UNIT_PUBLIC_KEYS;
if (!registryJson && existsSync('.bus/keys.json')) {
  const { readKeys, signingSettings } = await import('./lib/keys.mjs');
  const keys = readKeys();
  if (keys.signing) registryJson = signingSettings(keys, contracts.UNIT_CODES).UNIT_PUBLIC_KEYS;
}
let registry = null;
if (registryJson) {
  try {
    registry = security.parseSigningRegistry(registryJson, contracts.UNIT_CODES);
  } catch (err) {
    fail(`UNIT_PUBLIC_KEYS ${err.message}`);
  }
}

let report;
try {
  report = await persistence.verifyEvidence(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus', registry);
} catch (err) {
  fail(`audit:verify failed: ${err.message}`, 1);
}
const age = (ms) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`);
let unsignedRecords = 0;
for (const { chain, records, checkpoints, problem, unsigned } of report.chains) {
  console.log(`${chain.padEnd(20)} ${String(records).padStart(7)} records  ${String(checkpoints).padStart(4)} checkpoints  ${problem ? `FIRST PROBLEM: ${problem.message}` : 'whole'}`);
  if (unsigned) {
    unsignedRecords += unsigned.count;
    const range = unsigned.firstSeq === unsigned.lastSeq ? `#${unsigned.firstSeq}` : `#${unsigned.firstSeq}–#${unsigned.lastSeq}`;
    console.log(`${''.padEnd(20)} unsigned tail: ${unsigned.count} record${unsigned.count === 1 ? '' : 's'} ${range}, the oldest ${age(unsigned.ageMs)} old (${unsigned.oldestAt}): no signed checkpoint vouches for them`);
  }
}
if (unsignedRecords > 0) console.log(`(${unsignedRecords} records after the last signed checkpoints cannot be vouched for: had records been removed from the end of those chains, it would not show)`);
if (!registry) console.log('(checkpoint signatures not checked: no UNIT_PUBLIC_KEYS)');
if (report.problem) {
  console.log(`evidence log NOT intact: ${report.problem.message} [${report.problem.kind}]`);
  process.exit(1);
}
console.log(`evidence log intact: ${report.chains.length} chains`);
