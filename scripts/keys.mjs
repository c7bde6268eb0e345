// API keys of the units' systems and of the office, kept in PostgreSQL (table "ApiKey", SHA-256
// digests only) and checked by every adapter and the scheduler on each request (cached ≤ 1 s):
//   npm run keys -- rotate <unit|office> [--overlap-days N] [--boot-key-sha256 HEX]
//       makes a new key and prints it once; the unit's other keys stay valid for the overlap
//       (KEY_OVERLAP_DAYS, default 7), then end. --boot-key-sha256 ends a key given at boot
//       (API_KEY_SHA256) after the same overlap.
//   npm run keys -- revoke <unit|office> <key id (8+ characters) | SHA-256 of a key | --all>
//       ends the key(s) at once: the next request with it gets 401. A SHA-256 that is not in the
//       table (a boot-time key) is recorded as revoked.
//   npm run keys -- list <unit|office>
//       the unit's keys: id, made, overlap end, revocation — never a key.
// DATABASE_URL selects the database (default postgresql://postgres@127.0.0.1:5432/bus, as npm run bus).
//   npm run keys -- rotate-data-key | revoke-data-keys | data-key-status --unit <code>   a unit's data keys (scripts/data-keys.mjs)
//   npm run keys -- rotate-signing-key <unit> | signing-keys  units' message-signing keys (scripts/signing-keys.mjs)
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';

const USAGE = `usage: npm run keys -- rotate <unit|office> [--overlap-days N] [--boot-key-sha256 HEX]
       npm run keys -- revoke <unit|office> <key id | sha256 | --all>
       npm run keys -- list <unit|office>`;

function fail(message, code = 2) {
  console.error(message);
  process.exit(code);
}

// The other keys' commands live beside this script.
if (['rotate-data-key', 'revoke-data-keys', 'data-key-status'].includes(process.argv[2])) {
  await import('./data-keys.mjs');
  process.exit(process.exitCode ?? 0);
}
if (['rotate-signing-key', 'signing-keys'].includes(process.argv[2])) {
  await import('./signing-keys.mjs');
  process.exit(process.exitCode ?? 0);
}

let codes;
try {
  ({ UNIT_CODES: codes } = await import('../dist/libs/contracts/src/index.js'));
} catch {
  fail('the bus is not built: run npm run build first', 1);
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    strict: true,
    options: { 'overlap-days': { type: 'string' }, 'boot-key-sha256': { type: 'string' }, all: { type: 'boolean' } },
  });
} catch (err) {
  fail(`${err.message}\n${USAGE}`);
}
const { values, positionals } = parsed;
const [command, owner, target, ...extra] = positionals;
if (!['rotate', 'revoke', 'list'].includes(command) || !owner || extra.length) fail(USAGE);
if (owner !== 'office' && !codes.includes(owner)) fail(`unknown unit "${owner}": one of ${codes.join(', ')}, or office`);

const overlapDays = Number(values['overlap-days'] ?? process.env.KEY_OVERLAP_DAYS ?? 7);
if (!Number.isFinite(overlapDays) || overlapDays < 0 || overlapDays > 90) fail('--overlap-days (KEY_OVERLAP_DAYS) must be a number of days from 0 to 90');
const bootKey = values['boot-key-sha256'];
if (bootKey !== undefined && !/^[0-9a-f]{64}$/.test(bootKey)) fail('--boot-key-sha256 must be a SHA-256 hex digest (64 characters)');

const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus' });
try {
  await client.connect();
} catch (err) {
  fail(`the database is not reachable (DATABASE_URL): ${err.message}`, 1);
}

const iso = (date) => (date ? date.toISOString() : '—');

async function rotate() {
  const key = randomBytes(32).toString('hex');
  const id = randomUUID();
  const until = new Date(Date.now() + overlapDays * 86_400_000);
  await client.query('BEGIN');
  // The unit's current keys (and any with a later end) now end with the overlap.
  const ended = await client.query(
    `UPDATE "ApiKey" SET "expiresAt" = $2 WHERE agency = $1 AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > $2) RETURNING id`,
    [owner, until],
  );
  if (bootKey) {
    await client.query(
      `INSERT INTO "ApiKey" (id, agency, hash, "expiresAt") VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING`,
      [randomUUID(), owner, bootKey, until],
    );
  }
  await client.query(`INSERT INTO "ApiKey" (id, agency, hash) VALUES ($1, $2, $3)`, [id, owner, createHash('sha256').update(key).digest('hex')]);
  await client.query('COMMIT');
  console.log(`new API key of ${owner} (shown once; keep it in the unit's system, not here):\n${key}`);
  console.log(`id ${id}; ${ended.rowCount + (bootKey ? 1 : 0)} earlier key(s) valid until ${until.toISOString()}`);
}

async function revoke() {
  const all = values.all === true;
  if (all === (target !== undefined)) fail(`revoke needs one key id, a SHA-256, or --all\n${USAGE}`);
  let result;
  if (all) {
    result = await client.query(`UPDATE "ApiKey" SET "revokedAt" = now() WHERE agency = $1 AND "revokedAt" IS NULL RETURNING id`, [owner]);
  } else if (/^[0-9a-f]{64}$/.test(target)) {
    // A boot-time key has no row: one is written, revoked, and the guard then refuses the key.
    result = await client.query(
      `INSERT INTO "ApiKey" (id, agency, hash, "revokedAt") VALUES ($1, $2, $3, now())
       ON CONFLICT (hash) DO UPDATE SET "revokedAt" = COALESCE("ApiKey"."revokedAt", now()) WHERE "ApiKey".agency = $2 RETURNING id`,
      [randomUUID(), owner, target],
    );
  } else if (/^[0-9a-f-]{8,36}$/.test(target)) {
    const found = await client.query(`SELECT id FROM "ApiKey" WHERE agency = $1 AND id::text LIKE $2 || '%'`, [owner, target]);
    if (found.rowCount > 1) fail(`"${target}" names ${found.rowCount} keys of ${owner}: give more of the id`);
    result = await client.query(`UPDATE "ApiKey" SET "revokedAt" = COALESCE("revokedAt", now()) WHERE agency = $1 AND id::text LIKE $2 || '%' RETURNING id`, [owner, target]);
  } else {
    fail(`"${target}" is neither a key id (8+ characters of it) nor a SHA-256`);
  }
  if (result.rowCount === 0) fail(`no such key of ${owner}`, 1);
  console.log(`revoked ${result.rowCount} key(s) of ${owner}: ${result.rows.map((row) => row.id).join(', ')}; refused from the next request`);
}

async function list() {
  const { rows } = await client.query(`SELECT id, "createdAt", "expiresAt", "revokedAt" FROM "ApiKey" WHERE agency = $1 ORDER BY "createdAt"`, [owner]);
  if (rows.length === 0) console.log(`${owner} has no keys in the database (only the boot-time API_KEY_SHA256, if any)`);
  const now = Date.now();
  for (const row of rows) {
    const state = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= now ? 'expired' : row.expiresAt ? 'overlap' : 'current';
    console.log(`${row.id}  ${state.padEnd(7)}  made ${iso(row.createdAt)}  ends ${iso(row.expiresAt)}  revoked ${iso(row.revokedAt)}`);
  }
}

try {
  await { rotate, revoke, list }[command]();
} catch (err) {
  await client.query('ROLLBACK').catch(() => undefined);
  fail(`keys ${command} failed: ${err.message}`, 1);
} finally {
  await client.end();
}
