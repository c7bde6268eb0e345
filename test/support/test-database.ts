import pg from 'pg';

/**
 * Each e2e file gets its own database, copied from the freshly migrated test database that
 * `npm test` prepares, so files running in parallel never share outbox rows or inboxes.
 */
export class TestDatabase {
  readonly url: string;
  private pool?: pg.Pool;

  private constructor(private readonly adminUrl: string, readonly name: string) {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    this.url = url.toString();
  }

  static async create(label: string): Promise<TestDatabase> {
    const template = process.env.DATABASE_URL;
    if (!template) throw new Error('DATABASE_URL is not set: run the tests with `npm test`');
    const templateName = new URL(template).pathname.slice(1);
    const admin = new URL(template);
    admin.pathname = '/postgres';
    const name = `${templateName}_${label}_${process.pid}`.replace(/[^a-z0-9_]/g, '_');
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
    } finally {
      await client.end();
    }
    return new TestDatabase(admin.toString(), name);
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.url, max: 2 });
      // A connection ended by the server (drop() forces the others out) is the pool's to replace, not
      // an unhandled 'error' that fails whichever test happens to be running.
      this.pool.on('error', () => undefined);
    }
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async drop(): Promise<void> {
    await this.pool?.end();
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
}
