import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beijingDateOf, endOfBeijingDay, nextDate } from '#calendar';
import { ConsoleClient } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedConsole, seedUser } from './support/console-seed.js';
import { REDIS_URL } from './support/queue-mode.js';
import { TestDatabase } from './support/test-database.js';

const run = promisify(execFile);

// 第二十三条: the joint meeting's yearly report as a console page and as a PDF printed by headless
// Chromium (CHROMIUM_PATH: Debian's, or the one scripts/test.mjs chose), its Chinese text read back
// with pdftotext (poppler-utils) page by page, every page rendered to docs/screenshots with pdftoppm.

const DAY = 24 * 3600_000;
/** A section heading of the report (一、… 六、), as pdftotext writes it on its own line. */
const HEADING = /^\s*[一二三四五六七八九十]+、\S/;

/**
 * One child's referral sent to four units, each of which helps: one case, four handoffs, one minor.
 * And a follow-up visit of it due at the close of a Beijing day three days ago, still open.
 */
async function seedSharedCase(db: TestDatabase, now: Date): Promise<{ visitDueOn: string }> {
  const requestId = crypto.randomUUID();
  const units = ['civil-affairs', 'education', 'youth-league', 'womens-federation'];
  const opened = new Date(now.getTime() - 2 * DAY);
  const ids: string[] = [];
  for (const to of units) {
    const id = crypto.randomUUID();
    ids.push(id);
    await db.query(
      `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "personIdHash", "openedAt", "updatedAt")
       VALUES ($1, 'judicial-referral', 'procuratorate', $2, '晋检救〔2026〕300号', 'concluded', 'normal', $3, $4::jsonb, 'hash-of-the-child', $5, now())`,
      [id, to, requestId, JSON.stringify({ situation: 'serious-injury-victim', priorityGroups: ['minor'] }), opened],
    );
    await db.query(
      `INSERT INTO "AssistanceMeasure" (id, "handoffId", agency, "personIdHash", kind, status, "decidedOn", "amountFen", details, "recordedAt")
       VALUES (gen_random_uuid(), $1, $2, 'hash-of-the-child', 'temporary-assistance', 'granted', $3, 10000, '{}'::jsonb, now())`,
      [id, to, beijingDateOf(now)],
    );
  }
  const visitDueOn = beijingDateOf(new Date(now.getTime() - 3 * DAY));
  await db.query(
    `INSERT INTO "Obligation" (id, "handoffId", rule, "responsibleAgency", "startAt", "dueAt", "missingYears", status, "nextLevel", "nextActionAt", "updatedAt")
     VALUES (gen_random_uuid(), $1, 'follow-up-visit-1', 'education', $2, $3, '{}', 'open', 'overdue-leader', $3, now())`,
    [ids[1], opened, endOfBeijingDay(visitDueOn)],
  );
  return { visitDueOn };
}

describe('the yearly report of the joint meeting (第二十三条)', () => {
  let db: TestDatabase;
  let app: ConsoleProcess;
  let office: ConsoleClient;
  const folder = mkdtempSync(join(tmpdir(), 'yearly-report-'));
  const year = beijingDateOf(new Date()).slice(0, 4);
  let visitDueOn: string;

  beforeAll(async () => {
    db = await TestDatabase.create('yearly_report');
    await seedConsole(db, new Date());
    ({ visitDueOn } = await seedSharedCase(db, new Date()));
    await seedUser(db, 'office', 'office-password-1', 'office');
    await seedUser(db, 'edu', 'education-password-1', 'unit', 'education');
    app = new ConsoleProcess({
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      queuePrefix: `t-report-${process.pid}`,
      extraEnv: { CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', CHROMIUM_ARGS: process.env.CHROMIUM_ARGS ?? '[]' },
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
    // Cases (one per opening request, whatever units it went to) and handoffs (one per recipient), each labelled.
    const [{ cases, handoffs }] = await db.query<{ cases: string; handoffs: string }>(
      `SELECT count(DISTINCT "requestId") AS cases, count(*) AS handoffs FROM "Handoff" WHERE extract(year FROM ("openedAt" AT TIME ZONE 'Asia/Shanghai')) = $1`,
      [Number(year)],
    );
    expect(Number(handoffs) - Number(cases)).toBe(3); // the child's case went to four units
    expect(text).toContain(`共移送案件 <b>${cases}</b> 件，移送 <b>${handoffs}</b> 次`);
    // The on-time share says what it counts: per case, and per handoff duty.
    expect(text).toMatch(/按案件计 <b>\d+%<\/b>/);
    expect(text).toContain('按期限义务计');
    // The child helped by four units is one minor, not four.
    expect(text).toMatch(/<p id="report-groups">[^<]*未成年人 1<\/p>/);
    // The seeded overdue duties are cases for discussion; the visit is due at the close of its own day.
    const table = /<table id="report-cases">[\s\S]*?<\/table>/.exec(text)?.[0] ?? '';
    expect(table).toContain(`${visitDueOn} 24:00`);
    expect(table).not.toContain(`${nextDate(visitDueOn)} 00:00`);
    // A unit's user: 403.
    const unit = await ConsoleClient.signIn(app.baseUrl, 'edu', 'education-password-1');
    expect((await unit.fetch(`/report?year=${year}`)).status).toBe(403);
    expect((await unit.fetch(`/report/pdf?year=${year}`)).status).toBe(403);
  });

  it('prints as a PDF laid out for paper: whole column headings, a legend, no heading alone at a page’s foot; every page in docs/screenshots', async () => {
    const response = await office.fetch(`/report/pdf?year=${year}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(folder, 'report.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    const text = stdout.replace(/[ \t]+/g, ' ');
    const [{ cases, handoffs }] = await db.query<{ cases: string; handoffs: string }>(
      `SELECT count(DISTINCT "requestId") AS cases, count(*) AS handoffs FROM "Handoff" WHERE extract(year FROM ("openedAt" AT TIME ZONE 'Asia/Shanghai')) = $1`,
      [Number(year)],
    );
    for (const expected of [
      `${year} 年度工作报告`,
      '一、总体情况',
      '各单位办理情况',
      '逾期与督办',
      '提请联席会议研究的案件',
      '晋江市民政局',
      `共移送案件 ${cases} 件，移送 ${handoffs} 次`,
      '未成年人 1',
      `${visitDueOn} 24:00`,
      // The legend of the unit tables, as on the evaluation page.
      '“接收 1/1.8（3）”：接收环节用时的中位数',
      '按期限义务',
    ]) {
      expect({ expected, found: text.includes(expected) }).toEqual({ expected, found: true });
    }
    // Each table's column headings whole on one line: none is wrapped a character or two a line.
    const lines = text.split('\n');
    expect(lines.some((line) => ['单位', '移送案件（件）', '移送（次）', '接收（次）', '按时率（按期限义务）', '各环节用时（工作日）'].every((h) => line.includes(h)))).toBe(true);
    expect(lines.some((line) => ['办结结果', '首次救助', '救助措施（项）', '救助金额（元）', '重点群体（人）', '回访后情况'].every((h) => line.includes(h)))).toBe(true);
    // A unit's name stays on one line in its row.
    expect(lines.some((line) => line.includes('晋江市人力资源和社会保障局'))).toBe(true);
    // No section heading is the last line of a page (its text would start the next).
    const pages = stdout.split('\f').filter((page) => page.trim() !== '');
    expect(pages.length).toBeGreaterThan(1);
    const lastLines = pages.map((page) => page.split('\n').filter((line) => line.trim() !== '').at(-1) ?? '');
    expect(lastLines.filter((line) => HEADING.test(line))).toEqual([]);
    for (const heading of ['一、', '二、', '三、', '四、', '五、', '六、']) expect(pages.filter((page) => page.split('\n').some((line) => line.trim().startsWith(heading)))).toHaveLength(1);

    // Every page as an image, for the docs and for a person to look at.
    mkdirSync('docs/screenshots', { recursive: true });
    for (const old of readdirSync('docs/screenshots').filter((name) => /^yearly-report-page-\d+\.png$/.test(name))) rmSync(join('docs/screenshots', old));
    await run('pdftoppm', ['-png', '-r', '70', file, 'docs/screenshots/yearly-report-page']);
    const images = readdirSync('docs/screenshots').filter((name) => /^yearly-report-page-\d+\.png$/.test(name));
    expect(images).toHaveLength(pages.length);
    for (const image of images) expect(readFileSync(join('docs/screenshots', image)).subarray(1, 4).toString()).toBe('PNG');
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
