import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { TestDatabase } from '../support/test-database.js';

// scripts/migrate.mjs drives Prisma's WebAssembly schema engine, since the prisma CLI cannot download
// its native engine on an offline network (docs/architecture.md, "Migrations offline"). Its own
// steps — what Prisma's engine does not do — are tested here against a real server: a database built
// from nothing, the logins, grants and row-level security the migrations make, BullMQ's schema, and
// `status` telling an operator the truth.

const MIGRATIONS = readdirSync('prisma/migrations', { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

function migrate(databaseUrl: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['scripts/migrate.mjs', ...args], { env: { ...process.env, ...env, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the offline migration runner (medium: real PostgreSQL)', () => {
  let copy: TestDatabase;
  let freshUrl: string;

  beforeAll(async () => {
    copy = await TestDatabase.create('migrate');
    const fresh = new URL(copy.url);
    fresh.pathname = `${fresh.pathname}_fresh`;
    freshUrl = fresh.toString();
  });
  afterAll(async () => {
    const admin = new URL(copy.url);
    admin.pathname = '/postgres';
    await query(admin.toString(), `DROP DATABASE IF EXISTS "${new URL(freshUrl).pathname.slice(1)}" WITH (FORCE)`);
    await copy.drop();
  });

  it('builds a database from nothing: every migration applied, the app logins, grants, row-level security and BullMQ’s schema', async () => {
    const deployed = migrate(freshUrl, ['deploy', '--create-db']);
    expect(deployed).toMatchObject({ status: 0 });
    const applied = await query<{ migration_name: string }>(freshUrl, `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1`);
    expect(applied.map((row) => row.migration_name)).toEqual(MIGRATIONS);
    const roles = await query<{ rolname: string }>(freshUrl, `SELECT rolname FROM pg_roles WHERE rolname IN ('bus_units', 'bus_scheduler', 'bus_console') ORDER BY 1`);
    expect(roles.map((row) => row.rolname)).toEqual(['bus_console', 'bus_scheduler', 'bus_units']);
    const [handoff] = await query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(freshUrl, `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'Handoff'`);
    expect(handoff.relrowsecurity).toBe(true);
    const bullmq = await query<{ count: string }>(freshUrl, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'bullmq'`);
    expect(Number(bullmq[0].count)).toBeGreaterThan(0);
    // Deploying again changes nothing and says so.
    expect(migrate(freshUrl, ['deploy'])).toMatchObject({ status: 0 });
    expect(await query(freshUrl, `SELECT 1 FROM _prisma_migrations`)).toHaveLength(MIGRATIONS.length);
  });

  it('status: exit 0 when up to date; exit 1 naming a migration the database lacks', async () => {
    expect(migrate(copy.url, ['status'])).toMatchObject({ status: 0 });
    const last = MIGRATIONS[MIGRATIONS.length - 1];
    await copy.query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [last]);
    const behind = migrate(copy.url, ['status']);
    expect(behind.status).toBe(1);
    expect(behind.out).toContain(last);
  });

  it('reset refuses a production database', () => {
    const refused = migrate(copy.url, ['reset'], { NODE_ENV: 'production' });
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/production/);
  });
});
