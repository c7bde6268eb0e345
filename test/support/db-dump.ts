import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { TestDatabase } from './test-database.js';

/**
 * Every row of the database as text: pg_dump's data when PostgreSQL's tools are installed and match
 * the server, else each table of every schema read as text (the embedded PostgreSQL of the node-only mode).
 */
export async function dumpDatabase(db: TestDatabase): Promise<{ tool: string; text: string }> {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const pgDump = versions.map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`).find((path) => existsSync(path));
  if (pgDump) {
    try {
      const { stdout } = await promisify(execFile)(pgDump, ['--data-only', '--no-owner', db.url], { maxBuffer: 256 * 1024 * 1024 });
      return { tool: 'pg_dump', text: stdout };
    } catch {
      // e.g. a server newer than the installed pg_dump: read the tables instead
    }
  }
  const tables = await db.query<{ schemaname: string; tablename: string }>(`SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
  const parts = await Promise.all(tables.map(({ schemaname, tablename }) => db.query<{ row: string }>(`SELECT t::text AS row FROM "${schemaname}"."${tablename}" t`)));
  return { tool: 'select', text: parts.flat().map((row) => row.row).join('\n') };
}
