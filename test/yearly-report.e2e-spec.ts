import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { browserEnv, findBrowserFromEnv } from '#browser';
import { beijingDateOf } from '#calendar';
import { ConsoleClient } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedConsole, seedUser } from './support/console-seed.js';
import { REDIS_URL } from './support/queue-mode.js';
import { TestDatabase } from './support/test-database.js';

const run = promisify(execFile);

// Issue 12 part 4, 第二十三条: the joint meeting's yearly report as a console page and as a PDF printed by
// headless Chromium, its Chinese text read back with pdftotext (poppler-utils) and its first page
// rendered to docs/screenshots with pdftoppm. The console is given its browser as `npm run bus` gives
// it (#browser: CHROMIUM_PATH, Debian's, else @sparticuz/chromium's); given none, it finds one itself.
// Under BUS_NODE_ONLY=1 (a machine with Node.js alone) that is @sparticuz/chromium's.

describe('the yearly report of the joint meeting (第二十三条)', () => {
  let db: TestDatabase;
  let app: ConsoleProcess;
  let office: ConsoleClient;
  const folder = mkdtempSync(join(tmpdir(), 'yearly-report-'));
  const year = beijingDateOf(new Date()).slice(0, 4);

  beforeAll(async () => {
    db = await TestDatabase.create('yearly_report');
    await seedConsole(db, new Date());
    await seedUser(db, 'office', 'office-password-1', 'office');
    await seedUser(db, 'edu', 'education-password-1', 'unit', 'education');
    app = new ConsoleProcess({
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      queuePrefix: `t-report-${process.pid}`,
      // As scripts/run-bus.mjs starts it.
      extraEnv: browserEnv(await findBrowserFromEnv(process.env)),
    });
    await app.start();
    office = await ConsoleClient.signIn(app.baseUrl, 'office', 'office-password-1');
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is a page for the office with the year’s figures, escalations by cause and the cases for discussion', async () => {
    const response = await office.fetch(`/report?year=${year}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const heading of ['一、总体情况', '二、各单位办理情况', '三、重点群体救助情况', '四、逾期与督办', '五、提请联席会议研究的案件']) expect(text).toContain(heading);
    const [{ n }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "Handoff" WHERE extract(year FROM ("openedAt" AT TIME ZONE 'Asia/Shanghai')) = $1`, [Number(year)]);
    expect(text).toContain(`共移送 <b>${n}</b> 件`);
    // The seeded overdue handoff is a case for discussion.
    expect(text).toMatch(/<table id="report-cases">[\s\S]*<\/table>/);
    // A unit's user: 403.
    const unit = await ConsoleClient.signIn(app.baseUrl, 'edu', 'education-password-1');
    expect((await unit.fetch(`/report?year=${year}`)).status).toBe(403);
    expect((await unit.fetch(`/report/pdf?year=${year}`)).status).toBe(403);
  });

  it('prints as a PDF whose text is the Chinese headings and the figures, its first page in docs/screenshots', async () => {
    const response = await office.fetch(`/report/pdf?year=${year}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(folder, 'report.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    const [{ n }] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "Handoff" WHERE extract(year FROM ("openedAt" AT TIME ZONE 'Asia/Shanghai')) = $1`, [Number(year)]);
    for (const expected of [`${year} 年度工作报告`, '一、总体情况', '各单位办理情况', '逾期与督办', '提请联席会议研究的案件', '晋江市民政局', `共移送 ${n} 件`]) {
      expect({ expected, found: stdout.replace(/[ \t]+/g, ' ').includes(expected) }).toEqual({ expected, found: true });
    }
    mkdirSync('docs/screenshots', { recursive: true });
    await run('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, 'docs/screenshots/yearly-report']);
    expect(readFileSync('docs/screenshots/yearly-report.png').subarray(1, 4).toString()).toBe('PNG');
  });

  it('prints the PDF when started with no CHROMIUM_PATH at all (npm run start:console): it finds the browser itself', async () => {
    const bare = new ConsoleProcess({ databaseUrl: db.url, redisUrl: REDIS_URL, queuePrefix: `t-report-${process.pid}` });
    await bare.start();
    try {
      const client = await ConsoleClient.signIn(bare.baseUrl, 'office', 'office-password-1');
      const response = await client.fetch(`/report/pdf?year=${year}`);
      expect({ status: response.status, body: response.status === 200 ? '' : await response.text() }).toEqual({ status: 200, body: '' });
      expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await bare.stop();
    }
  });

  it('answers 503, saying why, when no browser is where CHROMIUM_PATH points', async () => {
    const broken = new ConsoleProcess({ databaseUrl: db.url, redisUrl: REDIS_URL, queuePrefix: `t-report-${process.pid}`, extraEnv: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    await broken.start();
    try {
      const client = await ConsoleClient.signIn(broken.baseUrl, 'office', 'office-password-1');
      const response = await client.fetch(`/report/pdf?year=${year}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('CHROMIUM_PATH');
    } finally {
      await broken.stop();
    }
  });
});
