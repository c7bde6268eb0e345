// The apps' database logins (第二十四条): the migrations make them without passwords;
// this sets them. Run as the owner (DATABASE_URL), after `node scripts/migrate.mjs deploy`:
//   node scripts/db-logins.mjs list            each app and the login it must use
//   node scripts/db-logins.mjs set-passwords   ALTER ROLE ... PASSWORD for every login whose password is in
//                                              the environment: <UNIT>_DB_PASSWORD (e.g. CIVIL_AFFAIRS_DB_PASSWORD),
//                                              SCHEDULER_DB_PASSWORD, CONSOLE_DB_PASSWORD (what bus-keys.mjs prints)
// Only a SCRAM-SHA-256 verifier is sent (scripts/lib/keys.mjs scramVerifier), never the password.
// Each app then gets DATABASE_URL=postgresql://<login>:<password>@host/db (docs/operations.md, "Database logins").
import pg from 'pg';
import { UNIT_CODES } from '../dist/libs/contracts/src/index.js';
import { CONSOLE_DATABASE_LOGIN, SCHEDULER_DATABASE_LOGIN, unitDatabaseLogin } from '../dist/libs/persistence/src/index.js';
import { envPrefix, scramVerifier } from './lib/keys.mjs';

/** [app, login, the environment variable of its password] */
export const APP_LOGINS = [
  ...UNIT_CODES.map((code) => [`${code} adapter`, unitDatabaseLogin(code), `${envPrefix(code)}_DB_PASSWORD`]),
  ['scheduler', SCHEDULER_DATABASE_LOGIN, 'SCHEDULER_DB_PASSWORD'],
  ['console', CONSOLE_DATABASE_LOGIN, 'CONSOLE_DB_PASSWORD'],
];

const fail = (message) => {
  console.error(`db-logins: ${message}`);
  process.exit(1);
};

const command = process.argv[2];
if (command === 'list') {
  for (const [app, login, variable] of APP_LOGINS) console.log(`${app.padEnd(30)} ${login.padEnd(30)} password: ${variable}`);
} else if (command === 'set-passwords') {
  if (!process.env.DATABASE_URL) fail('DATABASE_URL (the owner\'s) is not set');
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect().catch((error) => fail(`the database is not reachable (DATABASE_URL): ${error.message}`));
  try {
    let set = 0;
    for (const [, login, variable] of APP_LOGINS) {
      const password = process.env[variable];
      if (!password) continue;
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
      if (exists.rowCount === 0) fail(`no login ${login}: run node scripts/migrate.mjs deploy first`);
      await client.query(`ALTER ROLE ${client.escapeIdentifier(login)} PASSWORD ${client.escapeLiteral(scramVerifier(password))}`);
      set += 1;
    }
    console.log(`Set the password of ${set} of ${APP_LOGINS.length} app logins.`);
    if (set === 0) process.exitCode = 1;
  } finally {
    await client.end();
  }
} else {
  fail('usage: node scripts/db-logins.mjs list | set-passwords');
}
