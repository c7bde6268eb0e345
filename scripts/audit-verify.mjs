// npm run audit:verify — checks the evidence log (issue 9 part 5): every chain's records hash to
// what they say, each follows the one before, none is missing, and every signed checkpoint is its
// writer's and matches. Prints each chain and the first record changed, inserted or removed; exits 1
// when one is found.
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
  if (keys.signing) registryJson = signingSettings(keys, contracts.AGENCY_CODES).UNIT_PUBLIC_KEYS;
}
let registry = null;
if (registryJson) {
  try {
    registry = security.parseSigningRegistry(registryJson, contracts.AGENCY_CODES);
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
for (const { chain, records, checkpoints, problem } of report.chains) {
  console.log(`${chain.padEnd(20)} ${String(records).padStart(7)} records  ${String(checkpoints).padStart(4)} checkpoints  ${problem ? `FIRST PROBLEM: ${problem.message}` : 'whole'}`);
}
if (!registry) console.log('(checkpoint signatures not checked: no UNIT_PUBLIC_KEYS)');
if (report.problem) {
  console.log(`evidence log NOT intact: ${report.problem.message} [${report.problem.kind}]`);
  process.exit(1);
}
console.log(`evidence log intact: ${report.chains.length} chains`);
