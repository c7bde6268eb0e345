import { plainToInstance } from 'class-transformer';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { postgresQueuePool, selectQueueBackend } from '#bus';
import { UNIT_CODES, type UnitCode } from '#contracts';
import { CONSOLE_DATABASE_LOGIN, databaseUrlWithLogin, SCHEDULER_DATABASE_LOGIN, unitDatabaseLogin } from '#persistence';
// The deliberate bad query needs a client outside any scope: the generated one, as PrismaService is built.
import { PrismaClient } from '../../libs/persistence/src/generated/prisma/client.js';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter, settle } from './support/medium-adapter.js';

/** Tables without row-level security, each for a reason (migration 20261130110000_database_logins_rls). */
const WITHOUT_ROW_LEVEL_SECURITY = [
  '_prisma_migrations', // no app login has a grant
  'AlertNote', // the office's notes; no unit login has a grant
  'CalendarYear', // the statutory calendar, the same for everyone
  'ConsoleSession', // the console's own; no unit login has a grant
  'ConsoleUser', // the console's own; no unit login has a grant
  'Meeting', // the office's record of the joint meeting's minutes; no unit login has a grant (20261130150000_notices_meetings)
];

/**
 * 第二十四条: each unit's adapter connects with its own login and row-level
 * security lets it see only the handoffs it is party to. The adapters here are the real ones, each
 * under its unit's login; then a query that forgets the unit is made on purpose.
 */
describe('one database login per unit, row-level security (medium: real PostgreSQL)', () => {
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  const adapters: MediumAdapter[] = [];
  let toCivilAffairs: string;
  let toEducation: string;
  const clients: { end(): Promise<void> }[] = [];

  const loginUrl = (login: string): string => databaseUrlWithLogin(db.url, login);

  async function as(login: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: loginUrl(login) });
    await client.connect();
    clients.push(client);
    return client;
  }

  function prismaAs(login: string): PrismaClient {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: loginUrl(login) }) });
    clients.push({ end: () => prisma.$disconnect() });
    return prisma;
  }

  async function refer(from: MediumAdapter, to: UnitCode): Promise<string> {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral([to]));
    const opened = await from.unitOfWork.run(() =>
      from.opening.open('judicial-referral', request),
    );
    return opened.handoffs[0].id;
  }

  beforeAll(async () => {
    db = await TestDatabase.create('medium_rls');
    for (const code of ['procuratorate', 'civil-affairs', 'education'] as const) {
      adapters.push(await mediumAdapter(code, { databaseUrl: loginUrl(unitDatabaseLogin(code)), driver, clock }));
    }
    const [procuratorate] = adapters;
    toCivilAffairs = await refer(procuratorate, 'civil-affairs');
    toEducation = await refer(procuratorate, 'education');
    await settle(driver, adapters);
  });

  // mediumAdapter sets DATABASE_URL (a unit's login here); TestDatabase copies the template it names.
  const templateUrl = process.env.DATABASE_URL;

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    for (const adapter of adapters) await adapter.close();
    await db?.drop();
    process.env.DATABASE_URL = templateUrl;
  });

  it('runs the adapters under their own logins: a referral is written, relayed, received and acknowledged', async () => {
    const logins = await db.query<{ usename: string }>(`SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'bus_unit_%'`);
    expect(logins.map((row) => row.usename).sort()).toEqual(['bus_unit_civil_affairs', 'bus_unit_education', 'bus_unit_procuratorate']);
    // Inspected as the owner: each recipient took its message in, and the receipt came back.
    const inbox = await db.query<{ agency: string; handoffId: string }>(`SELECT agency, "handoffId" FROM "InboxEntry" WHERE type = 'handoff.judicial-referral' ORDER BY agency`);
    expect(inbox).toEqual([
      { agency: 'civil-affairs', handoffId: toCivilAffairs },
      { agency: 'education', handoffId: toEducation },
    ]);
    const steps = await db.query<{ handoffId: string; step: string }>(`SELECT "handoffId", step::text FROM "HandoffStep" WHERE step = 'received'`);
    expect(steps.map((row) => row.handoffId).sort()).toEqual([toCivilAffairs, toEducation].sort());
    // Every message between the units (the referrals and the receipts back) was stamped consumed by its
    // recipient, on the sender's outbox row; the step events wait for a scheduler, absent here.
    const units = await db.query<{ queue: string; consumed: boolean }>(`SELECT queue, "consumedAt" IS NOT NULL AS consumed FROM "OutboxEntry" WHERE queue LIKE '%inbox.%'`);
    expect(units).toHaveLength(4);
    expect(units.filter((row) => !row.consumed)).toEqual([]);
  });

  it('a raw SELECT without the unit returns only the handoffs the unit is party to', async () => {
    const civilAffairs = await as(unitDatabaseLogin('civil-affairs'));
    const handoffs = await civilAffairs.query<{ id: string }>('SELECT id, "fromAgency", "toAgency", "caseRef", "currentStep" FROM "Handoff"');
    expect(handoffs.rows.map((row) => row.id)).toEqual([toCivilAffairs]);
    // 第二十四条: not even the plain part of the sender's record (a column privilege); each party reads its own copy.
    await expect(civilAffairs.query('SELECT * FROM "Handoff"')).rejects.toMatchObject({ code: '42501' });
    expect((await civilAffairs.query<{ agency: string }>('SELECT agency FROM "HandoffCopy"')).rows).toEqual([{ agency: 'civil-affairs' }]);
    // Nothing of the other handoff, whichever table is asked.
    for (const [table, column] of [['Message', '"handoffId"'], ['HandoffStep', '"handoffId"'], ['HandoffCopy', '"handoffId"'], ['InboxEntry', '"handoffId"'], ['AuditRecord', '"handoffId"'], ['Attachment', '"handoffId"'], ['Obligation', '"handoffId"']]) {
      const leaked = await civilAffairs.query(`SELECT * FROM "${table}" WHERE ${column} = $1`, [toEducation]);
      expect({ table, rows: leaked.rowCount }).toEqual({ table, rows: 0 });
    }
    const outbox = await civilAffairs.query(`SELECT o.* FROM "OutboxEntry" o JOIN "Message" m ON m.id = o."messageId" WHERE m."handoffId" = $1`, [toEducation]);
    expect(outbox.rowCount).toBe(0);
    // The sender sees both of its handoffs; the other recipient only its own.
    const procuratorate = await as(unitDatabaseLogin('procuratorate'));
    expect((await procuratorate.query('SELECT id FROM "Handoff"')).rowCount).toBe(2);
    const education = await as(unitDatabaseLogin('education'));
    expect((await education.query<{ id: string }>('SELECT id FROM "Handoff"')).rows).toEqual([{ id: toEducation }]);
    // A unit party to nothing sees nothing.
    const health = await as(unitDatabaseLogin('health'));
    expect((await health.query('SELECT id FROM "Handoff"')).rowCount).toBe(0);
    expect((await health.query('SELECT * FROM "Message"')).rowCount).toBe(0);
  });

  it('a Prisma findMany with no where returns only the unit’s rows', async () => {
    const prisma = prismaAs(unitDatabaseLogin('civil-affairs'));
    expect((await prisma.handoff.findMany({ omit: { details: true } })).map((handoff) => handoff.id)).toEqual([toCivilAffairs]);
    expect((await prisma.handoffCopy.findMany()).map((copy) => [copy.handoffId, copy.agency])).toEqual([[toCivilAffairs, 'civil-affairs']]);
    expect(new Set((await prisma.message.findMany()).map((message) => message.handoffId))).toEqual(new Set([toCivilAffairs]));
    expect((await prisma.inboxEntry.findMany()).every((entry) => entry.agency === 'civil-affairs')).toBe(true);
    expect((await prisma.auditRecord.findMany()).every((record) => record.chain === 'civil-affairs')).toBe(true);
  });

  it('an UPDATE of another unit’s row affects 0 rows, a forged row is refused, a DELETE is not granted', async () => {
    const civilAffairs = await as(unitDatabaseLogin('civil-affairs'));
    const updated = await civilAffairs.query(`UPDATE "Handoff" SET "caseRef" = 'tampered' WHERE id = $1`, [toEducation]);
    expect(updated.rowCount).toBe(0);
    const inbox = await civilAffairs.query(`UPDATE "InboxEntry" SET "acknowledgedAt" = now() WHERE agency = 'education'`);
    expect(inbox.rowCount).toBe(0);
    expect((await db.query<{ caseRef: string }>(`SELECT "caseRef" FROM "Handoff" WHERE id = $1`, [toEducation]))[0].caseRef).not.toBe('tampered');
    // Writing a row of a handoff it is not party to: refused by the policy's WITH CHECK.
    await expect(
      civilAffairs.query(
        `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
         VALUES (gen_random_uuid(), 'judicial-referral', 'procuratorate', 'education', 'forged', 'sent', 'normal', gen_random_uuid(), '{}', now(), now())`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(civilAffairs.query('DELETE FROM "Handoff"')).rejects.toMatchObject({ code: '42501' });
    await expect(civilAffairs.query('SELECT * FROM "ConsoleUser"')).rejects.toMatchObject({ code: '42501' });
  });

  it('a message is written only by its sender, between the handoff’s two parties (第二十一条, 第二十四条)', async () => {
    const insert = (client: pg.Client, from: string, to: string, type = 'handoff.feedback') =>
      client.query(
        `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "occurredAt", priority, payload)
         VALUES (gen_random_uuid(), $1, 1, $2, $3, $4, 'forged', gen_random_uuid(), now(), 'normal', '{}')`,
        [type, from, to, toCivilAffairs],
      );
    // A unit not party to procuratorate → civil-affairs, naming itself as sender, with its own login.
    const justice = await as(unitDatabaseLogin('justice'));
    await expect(insert(justice, 'justice', 'procuratorate')).rejects.toMatchObject({ code: '42501' });
    await expect(insert(justice, 'justice', 'civil-affairs')).rejects.toMatchObject({ code: '42501' });
    // A party naming a third unit as recipient, another unit as sender, or itself outside its step events.
    const procuratorate = await as(unitDatabaseLogin('procuratorate'));
    await expect(insert(procuratorate, 'procuratorate', 'justice')).rejects.toMatchObject({ code: '42501' });
    await expect(insert(procuratorate, 'civil-affairs', 'procuratorate')).rejects.toMatchObject({ code: '42501' });
    await expect(insert(procuratorate, 'procuratorate', 'procuratorate')).rejects.toMatchObject({ code: '42501' });
    // The parties themselves may: the receiver to the sender, the sender's own step event (rolled back, to leave the data as it was).
    const civilAffairs = await as(unitDatabaseLogin('civil-affairs'));
    await civilAffairs.query('BEGIN');
    await expect(insert(civilAffairs, 'civil-affairs', 'procuratorate')).resolves.toMatchObject({ rowCount: 1 });
    await expect(insert(civilAffairs, 'civil-affairs', 'civil-affairs', 'handoff.step-recorded')).resolves.toMatchObject({ rowCount: 1 });
    await civilAffairs.query('ROLLBACK');
    const [forged] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Message" WHERE "caseRef" = 'forged'`);
    expect(forged.n).toBe(0);
  });

  it('the scheduler and the console, the office’s side, see every unit’s handoffs', async () => {
    for (const login of [SCHEDULER_DATABASE_LOGIN, CONSOLE_DATABASE_LOGIN]) {
      const office = await as(login);
      expect({ login, handoffs: (await office.query('SELECT id FROM "Handoff"')).rowCount }).toEqual({ login, handoffs: 2 });
    }
    const scheduler = await as(SCHEDULER_DATABASE_LOGIN);
    await expect(scheduler.query('SELECT * FROM "ConsoleUser"')).rejects.toMatchObject({ code: '42501' });
  });

  it('has a login for every unit and none that bypasses row-level security or owns a table', async () => {
    const units = await db.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolname LIKE 'bus\\_unit\\_%'`);
    expect(units.map((row) => row.rolname).sort()).toEqual(UNIT_CODES.map(unitDatabaseLogin).sort());
    const logins = [...UNIT_CODES.map(unitDatabaseLogin), SCHEDULER_DATABASE_LOGIN, CONSOLE_DATABASE_LOGIN];
    const privileged = await db.query(`SELECT rolname FROM pg_roles WHERE rolname = ANY($1) AND (rolsuper OR rolbypassrls OR NOT rolcanlogin)`, [logins]);
    expect(privileged).toEqual([]);
    const owned = await db.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = c.relowner
        WHERE n.nspname = 'public' AND r.rolname = ANY($1)`,
      [[...logins, 'bus_units', 'bus_queues']],
    );
    expect(owned).toEqual([]);
  });

  it('has row-level security on every table but those listed with a reason (a new table must decide)', async () => {
    const tables = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity`,
    );
    expect(tables.map((row) => row.relname).sort()).toEqual([...WITHOUT_ROW_LEVEL_SECURITY].sort());
  });
});

/**
 * BullMQ's PostgreSQL backend under an app's login: the migrations built its tables (owned by
 * bus_queues); the login may use them but not build them, and says what to run when they are missing.
 */
describe('the PostgreSQL queue backend under an app login (medium: real PostgreSQL)', () => {
  let db: TestDatabase;
  const settings = (databaseUrl: string) => ({
    queueBackend: 'postgres' as const,
    redisUrl: '',
    databaseUrl,
    queuePrefix: 'bus',
    clockFile: null,
    reconcileIntervalMs: 30_000,
    reconcileGraceMs: 10_000,
    queueRefusalAlertMs: 30_000,
  });

  beforeAll(async () => {
    db = await TestDatabase.create('medium_rls_queues');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('opens the queues the migrations built, as bus_queues', async () => {
    await expect(selectQueueBackend(settings(databaseUrlWithLogin(db.url, unitDatabaseLogin('education'))), 'rls-test')).resolves.toBe('postgres');
    const opened = postgresQueuePool();
    if (!opened) throw new Error('no queue pool after selecting the PostgreSQL backend');
    const [{ role }] = (await opened.query<{ role: string }>('SELECT current_user AS role')).rows;
    expect(role).toBe('bus_queues');
    await opened.end();
  });

  it('refuses to start when the tables are missing, naming the migration to run', async () => {
    await db.query('DROP SCHEMA bullmq CASCADE; CREATE SCHEMA bullmq AUTHORIZATION bus_queues');
    await expect(selectQueueBackend(settings(databaseUrlWithLogin(db.url, SCHEDULER_DATABASE_LOGIN)), 'rls-test')).rejects.toThrow(
      /BullMQ's tables in schema "bullmq" are missing .* run node scripts\/migrate.mjs deploy/,
    );
  });
});
