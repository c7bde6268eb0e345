import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../libs/persistence/src/generated/prisma/client.js';
import { PrismaService, utcSessionUrl } from '../../libs/persistence/src/prisma.service.js';
import { TestDatabase } from '../support/test-database.js';

/**
 * A PostgreSQL server set to Beijing time (ALTER DATABASE … SET timezone = 'Asia/Shanghai', as a
 * Chinese deployment may well be) must not shift what the bus stores: the pg driver adapter sends a
 * Date as zone-less UTC text, which PostgreSQL reads in the session's TimeZone, so PrismaService
 * opens every session in UTC.
 */
describe('session time zone (medium: real PostgreSQL set to Asia/Shanghai)', () => {
  let db: TestDatabase;
  const newYear = new Date('2026-01-01T00:00:00Z');

  beforeAll(async () => {
    db = await TestDatabase.create('medium_timezone');
    await db.query(`ALTER DATABASE "${db.name}" SET timezone = 'Asia/Shanghai'`);
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** A notice written through the client, and what PostgreSQL holds for its time, in UTC. */
  async function storedUtc(prisma: PrismaClient): Promise<string> {
    const id = crypto.randomUUID();
    await prisma.notice.create({ data: { id, kind: 'general', title: 'time zone', body: '-', issuedBy: 'test', issuedAt: newYear } });
    const [row] = await db.query<{ utc: string }>(`SELECT ("issuedAt" AT TIME ZONE 'UTC')::text AS utc FROM "Notice" WHERE id = $1`, [id]);
    return row.utc;
  }

  it('the server really is on Beijing time for a session that does not say otherwise: a Date is then stored 8 hours early (the failure guarded against)', async () => {
    const plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    try {
      const [setting] = await plain.$queryRaw<{ timezone: string }[]>`SELECT current_setting('TimeZone') AS timezone`;
      expect(setting.timezone).toBe('Asia/Shanghai');
      expect(await storedUtc(plain)).toBe('2025-12-31 16:00:00');
    } finally {
      await plain.$disconnect();
    }
  });

  it('PrismaService stores and compares every time as the instant it is: query builder, raw parameters and now()', async () => {
    const prisma = new PrismaService(db.url);
    try {
      const [setting] = await prisma.$queryRaw<{ timezone: string }[]>`SELECT current_setting('TimeZone') AS timezone`;
      expect(setting.timezone).toBe('UTC');
      expect(await storedUtc(prisma)).toBe('2026-01-01 00:00:00');
      // An hour from now is after now() (read as Beijing time it would be seven hours ago).
      const [raw] = await prisma.$queryRaw<{ utc: string; future: boolean }[]>`
        SELECT (${newYear}::timestamptz AT TIME ZONE 'UTC')::text AS utc, ${new Date(Date.now() + 3_600_000)}::timestamptz > now() AS future`;
      expect(raw).toEqual({ utc: '2026-01-01 00:00:00', future: true });
    } finally {
      await prisma.$disconnect();
    }
  });

  it('keeps options already in the URL', () => {
    const url = new URL(utcSessionUrl('postgresql://bus@db.example:5432/bus?options=-c%20search_path%3Dbus&sslmode=require'));
    expect(url.searchParams.get('options')).toBe('-c search_path=bus -c TimeZone=UTC');
    expect(url.searchParams.get('sslmode')).toBe('require');
  });
});
