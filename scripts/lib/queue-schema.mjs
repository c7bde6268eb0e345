// BullMQ's tables for QUEUE_BACKEND=postgres, built by `node scripts/migrate.mjs deploy|reset` after the
// Prisma migrations, as the database's owner, then handed to the role bus_queues (migration
// 20261130110000_database_logins_rls). The apps log in as their own roles, which
// may not create schemas in the database; their queue pools act as bus_queues and only check the
// tables are up to date (libs/bus queue-backend.ts). Built whatever QUEUE_BACKEND is, so switching
// backends needs no migration. Idempotent, under BullMQ's own advisory lock.
import { DEFAULT_SCHEMA, runMigrations } from 'bullmq';

export const QUEUE_ROLE = 'bus_queues';

/** Objects in the schema not yet owned by bus_queues, as ALTER ... OWNER statements. */
const HAND_OVER = `
  SELECT format('ALTER %s %I.%I OWNER TO ${QUEUE_ROLE}',
                CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, n.nspname, c.relname) AS statement
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'S', 'v') AND pg_get_userbyid(c.relowner) <> '${QUEUE_ROLE}'
     -- a sequence owned by a column moves with its table
     AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
  UNION ALL
  SELECT format('ALTER %s %I.%I(%s) OWNER TO ${QUEUE_ROLE}', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> '${QUEUE_ROLE}'`;

/**
 * @param {import('pg').Client} client connected as the owner
 * @returns {Promise<boolean>} false when the migrations have not made bus_queues (nothing done)
 */
export async function buildQueueSchema(client) {
  const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [QUEUE_ROLE]);
  if (rows.length === 0) return false;
  await runMigrations(client, DEFAULT_SCHEMA);
  const statements = await client.query(HAND_OVER, [DEFAULT_SCHEMA]);
  for (const { statement } of statements.rows) await client.query(statement);
  return true;
}
