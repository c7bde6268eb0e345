import { spawn } from 'node:child_process';
import { AuditRepository } from '#persistence';
import { messageSigner } from '#security';
// The repository needs a client; the evidence log is written here as an adapter writes it.
import { PrismaService } from '../libs/persistence/src/prisma.service.js';
import { TEST_SIGNING_KEYS, testPublicKeys } from './support/security-env.js';
import { TestDatabase } from './support/test-database.js';

function auditVerify(databaseUrl: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/audit-verify.mjs'], { env: { PATH: process.env.PATH ?? '', TZ: 'UTC', DATABASE_URL: databaseUrl, UNIT_PUBLIC_KEYS: testPublicKeys() } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

/**
 * `npm run audit:verify` reports what it cannot vouch for: the records after a chain's last signed
 * checkpoint, whose removal from the end would not show (an adapter signs them every
 * AUDIT_CHECKPOINT_INTERVAL_MS while records arrive; evidence-log.medium-spec tests that).
 */
describe('npm run audit:verify: the unsigned tail', () => {
  let db: TestDatabase;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await TestDatabase.create('audit_verify');
    prisma = new PrismaService(db.url);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('prints each chain’s unsigned tail (count, first and last seq, age of the oldest), and none once it is signed', async () => {
    const audit = new AuditRepository(prisma, prisma, 'education', messageSigner('education', TEST_SIGNING_KEYS.education.privateKey));
    const record = (n: number) => ({ actor: 'education system', agency: 'education', handoffId: null, action: 'notice.read', reason: `notice ${n}` });
    await audit.append([record(1), record(2)], new Date(Date.now() - 90_000));
    expect(await audit.checkpointUnsigned(new Date())).toMatchObject({ seq: 2 });
    await audit.append([record(3), record(4), record(5)], new Date(Date.now() - 30_000));

    const tail = await auditVerify(db.url);
    expect(tail.code).toBe(0);
    expect(tail.out).toMatch(/education +5 records +1 checkpoints +whole/);
    expect(tail.out).toMatch(/unsigned tail: 3 records #3–#5, the oldest 3\d s old \(.+Z\): no signed checkpoint vouches for them/);
    expect(tail.out).toMatch(/3 records after the last signed checkpoints cannot be vouched for/);
    expect(tail.out).toMatch(/evidence log intact: 1 chains/);

    expect(await audit.checkpointUnsigned(new Date())).toMatchObject({ seq: 5 });
    const signed = await auditVerify(db.url);
    expect(signed.code).toBe(0);
    expect(signed.out).not.toMatch(/unsigned tail/);
  });
});
