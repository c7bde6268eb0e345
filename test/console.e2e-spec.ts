import { mkdirSync, readFileSync } from 'node:fs';
import type { Queue } from 'bullmq';
import { inboxQueueName } from '#contracts';
import { openQueue, REDIS_URL } from './support/queue-mode.js';
import { type Browser, chromium, type Page } from 'playwright-core';
import { findBrowserFromEnv } from '#browser';
import { loginForm } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedConsole, seedUser } from './support/console-seed.js';
import { TestDatabase } from './support/test-database.js';

// The console in headless Chromium (driven by playwright-core, found as the console finds its own:
// #browser — CHROMIUM_PATH, Debian's package, else @sparticuz/chromium's; nothing downloads a
// browser). The screenshots in docs/console.md are taken here.

const SCREENSHOTS = 'docs/screenshots';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the console', () => {
  let db: TestDatabase;
  let app: ConsoleProcess;
  let browser: Browser;
  let queue: Queue;
  let closeQueue: () => Promise<void>;
  let seeded: Awaited<ReturnType<typeof seedConsole>>;
  const prefix = `t-console-${process.pid}`;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    db = await TestDatabase.create('console');
    seeded = await seedConsole(db, new Date());
    await seedUser(db, 'office', 'office-password-1', 'office');
    await seedUser(db, 'ops', 'operator-password-1', 'operator');
    await seedUser(db, 'edu', 'education-password-1', 'unit', 'education');
    // A few jobs as the bus leaves them (ids only), so the queue dashboard has something to show.
    ({ queue, close: closeQueue } = openQueue(inboxQueueName('civil-affairs'), prefix, db.url));
    for (let i = 0; i < 3; i++) await queue.add('handoff.judicial-referral', { messageId: crypto.randomUUID(), type: 'handoff.judicial-referral' });
    app = new ConsoleProcess({
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      queuePrefix: prefix,
      extraEnv: { LOGIN_ATTEMPTS_PER_MINUTE: '12' },
    });
    await app.start();
    const found = await findBrowserFromEnv();
    browser = await chromium.launch({ executablePath: found.executablePath, args: [...found.args, ...CHROMIUM_FLAGS] });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await closeQueue?.();
    await db?.drop();
  });

  async function signIn(username: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await page.goto(`${app.baseUrl}/handoffs`);
    expect(new URL(page.url()).pathname).toBe('/login'); // no page without signing in
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/handoffs/);
    return page;
  }

  it('serves metrics and health to machines without signing in', async () => {
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{[^}]*app="console"/);
  });

  it('serves, without signing in, the OpenAPI document committed as docs/openapi/console.json', async () => {
    const served = await (await fetch(`${app.baseUrl}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync('docs/openapi/console.json', 'utf8')));
    expect((await fetch(`${app.baseUrl}/docs`)).status).toBe(200);
  });

  it('refuses a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('input[name=username]', 'office');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForURL(/failed=1/);
    await expect(page.textContent('body')).resolves.toContain('用户名或密码错误');
    await page.close();
  });

  it('shows the office the overdue, escalated handoff first; its timeline; and lets it acknowledge the escalation', async () => {
    const page = await signIn('office', 'office-password-1');
    const firstRow = page.locator('#handoffs tbody tr').first();
    await expect(firstRow.getAttribute('data-handoff')).resolves.toBe(seeded.overdue.id);
    await expect(firstRow.textContent()).resolves.toMatch(/逾期 \d+ 个工作日/);
    await expect(firstRow.textContent()).resolves.toContain('逾期（报联席办）');
    await expect(page.locator(`tr[data-handoff="${seeded.green.id}"]`).textContent()).resolves.toContain('绿色通道');
    await expect(page.textContent('body')).resolves.not.toContain('林某某'); // no citizen on the board
    await page.screenshot({ path: `${SCREENSHOTS}/handoffs.png`, fullPage: true });

    // Filters and CSV.
    await page.goto(`${app.baseUrl}/handoffs?unit=education`);
    await expect(page.locator('#handoffs tbody tr').count()).resolves.toBe(1);
    const csv = await page.request.get(`${app.baseUrl}/handoffs/export.csv`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('案件编号');
    expect(text).toContain(seeded.overdue.caseRef);
    expect(text).not.toContain('林某某');

    await page.goto(`${app.baseUrl}/handoffs`);
    await page.click(`text=${seeded.overdue.caseRef}`);
    await page.waitForURL(new RegExp(seeded.overdue.id));
    await expect(page.locator('#timeline li').allTextContents()).resolves.toEqual([
      expect.stringContaining('已移送'),
      expect.stringContaining('已接收'),
    ]);
    // The handoff's evidence log, for the office.
    await expect(page.locator('#evidence tbody tr').first().textContent()).resolves.toContain('person-data.read');
    await expect(page.locator('#evidence').textContent()).resolves.toContain('核实救助申请');
    await page.locator(`tr[data-alert="${seeded.overdue.alertId}"] button`).click();
    await page.waitForURL(new RegExp(seeded.overdue.id));
    await expect(page.locator(`tr[data-alert="${seeded.overdue.alertId}"]`).textContent()).resolves.toContain('已确认（office）');
    const [alert] = await db.query<{ acknowledgedBy: string }>(`SELECT "acknowledgedBy" FROM "Alert" WHERE id = $1`, [seeded.overdue.alertId]);
    expect(alert.acknowledgedBy).toBe('office');

    await page.goto(`${app.baseUrl}/timeliness`);
    await expect(page.locator('#timeliness-chart rect').count()).resolves.toBe(5);
    await expect(page.locator('#timeliness tbody tr').count()).resolves.toBe(5);
    await page.screenshot({ path: `${SCREENSHOTS}/timeliness.png`, fullPage: true });

    // 第二十三条, 第二十五条: the evaluation of the year, every unit, with its charts.
    await page.goto(`${app.baseUrl}/evaluation`);
    const units = await page.locator('#evaluation tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-unit')));
    expect(units.length).toBeGreaterThan(1);
    await expect(page.locator('#evaluation-chart rect').count()).resolves.toBe(units.length);
    await expect(page.locator('#trend-chart rect').count()).resolves.toBe(12);
    await page.screenshot({ path: `${SCREENSHOTS}/evaluation.png`, fullPage: true });
    // 第二十五条: the follow-up visits of every unit, and the ledger of a person.
    await page.goto(`${app.baseUrl}/visits`);
    await expect(page.locator('#visits tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-state')))).resolves.toEqual(['overdue', 'due', 'done']);
    // The overdue visit is due at the close of its own day: written as that day's 24:00, not the next day's 00:00.
    await expect(page.locator('#visits tbody tr[data-state="overdue"] td:nth-child(4)').textContent()).resolves.toBe(`${seeded.missed.dueOn} 24:00`);
    await page.screenshot({ path: `${SCREENSHOTS}/visits.png`, fullPage: true });
    await page.goto(`${app.baseUrl}/ledger/${seeded.visited.id}`);
    await expect(page.locator('#ledger .measure').allTextContents()).resolves.toEqual([
      expect.stringContaining('最低生活保障（已批准'),
      expect.stringContaining('临时救助（已完成'),
    ]);
    await page.goto(`${app.baseUrl}/evaluation?period=1999-13`); // not a period: this year's figures
    await expect(page.locator('input[name=period]').inputValue()).resolves.toMatch(/^\d{4}$/);
    await page.close();
  });

  it('opens the queue dashboard for an operator alone, who may change queues from it', async () => {
    const page = await signIn('ops', 'operator-password-1');
    await page.goto(`${app.baseUrl}/queues`);
    await page.waitForSelector('text=inbox.civil-affairs');
    await page.waitForSelector('text=dead-letter');
    await page.screenshot({ path: `${SCREENSHOTS}/queues.png` });
    // As Bull Board's own page does it: a same-origin fetch from the page.
    const put = (target: Page, path: string) => target.evaluate(async (url) => (await fetch(url, { method: 'PUT' })).status, `${app.baseUrl}${path}`);
    expect(await put(page, `/queues/api/queues/${encodeURIComponent(inboxQueueName('civil-affairs'))}/pause`)).toBeLessThan(400);
    expect(await put(page, `/queues/api/queues/${encodeURIComponent(inboxQueueName('civil-affairs'))}/resume`)).toBeLessThan(400);
    await page.close();

    // The queues are a technical page: the office neither sees them in its menu nor opens them.
    const office = await signIn('office', 'office-password-1');
    await expect(office.locator('header nav a[href="/queues"]').count()).resolves.toBe(0);
    expect(await put(office, `/queues/api/queues/${encodeURIComponent(inboxQueueName('civil-affairs'))}/pause`)).toBe(403);
    expect((await office.goto(`${app.baseUrl}/queues`))?.status()).toBe(403);
    await office.close();
  });

  it('shows a unit’s user only its own handoffs', async () => {
    const page = await signIn('edu', 'education-password-1');
    const rows = await page.locator('#handoffs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-handoff')));
    expect(rows).toContain(seeded.green.id);
    expect(rows).not.toContain(seeded.overdue.id);
    const other = await page.goto(`${app.baseUrl}/handoffs/${seeded.overdue.id}`);
    expect(other?.status()).toBe(404);
    const csv = await (await page.request.get(`${app.baseUrl}/handoffs/export.csv`)).text();
    expect(csv).not.toContain(seeded.overdue.caseRef);
    expect((await page.goto(`${app.baseUrl}/escalations`))?.status()).toBe(403);
    // Its own row of the evaluation, and no other unit's.
    await page.goto(`${app.baseUrl}/evaluation`);
    await expect(page.locator('#evaluation tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit')))).resolves.toEqual(['education']);
    // Civil affairs' visits and its person's ledger are not education's.
    await page.goto(`${app.baseUrl}/visits`);
    await expect(page.locator('#visits tbody tr').count()).resolves.toBe(0);
    expect((await page.goto(`${app.baseUrl}/ledger/${seeded.visited.id}`))?.status()).toBe(404);
    await page.close();
  });

  it('ends a session when it expires', async () => {
    const page = await signIn('office', 'office-password-1');
    await db.query(`UPDATE "ConsoleSession" SET "expiresAt" = now() - interval '1 second'`);
    await page.goto(`${app.baseUrl}/handoffs`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });

  // Last: it spends this address's sign-in attempts for the minute.
  it('slows password guessing: past the limit a sign-in is refused with 429', async () => {
    const attempts = [];
    const form = await loginForm(app.baseUrl); // a guesser fetches the form and its token first
    for (let i = 0; i < 14; i++) {
      const body = new URLSearchParams({ username: 'office', password: `guess-${i}`, _csrf: form.token });
      attempts.push((await fetch(`${app.baseUrl}/login`, { method: 'POST', headers: { cookie: form.cookie }, body, redirect: 'manual' })).status);
    }
    expect(attempts).toContain(429);
    expect(attempts.filter((status) => status === 303).length).toBeLessThanOrEqual(12);
  });
});
