import { ConsoleClient, loginForm } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedConsole, seedUser } from './support/console-seed.js';
import { TestDatabase } from './support/test-database.js';
import { inboxQueueName } from '#contracts';

// (第二十四条), the console: the queues are the operators' alone however the path is written;
// every POST carries its form's token; security headers; no stack trace in any answer.

const STACK = /\bat .+\.(js|ts):\d+|node_modules|\/dist\//;

describe('console security', () => {
  let db: TestDatabase;
  let app: ConsoleProcess;
  let seeded: Awaited<ReturnType<typeof seedConsole>>;
  const users: Record<'operator' | 'office' | 'unit', ConsoleClient> = {} as never;

  beforeAll(async () => {
    db = await TestDatabase.create('consolesec');
    seeded = await seedConsole(db, new Date());
    await seedUser(db, 'ops', 'operator-password-1', 'operator');
    await seedUser(db, 'office', 'office-password-1', 'office');
    await seedUser(db, 'edu', 'education-password-1', 'unit', 'education');
    app = new ConsoleProcess({
      databaseUrl: db.url,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: `t-consolesec-${process.pid}`,
    });
    await app.start();
    users.operator = await ConsoleClient.signIn(app.baseUrl, 'ops', 'operator-password-1');
    users.office = await ConsoleClient.signIn(app.baseUrl, 'office', 'office-password-1');
    users.unit = await ConsoleClient.signIn(app.baseUrl, 'edu', 'education-password-1');
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const queue = inboxQueueName('civil-affairs');
  const queueInPath = encodeURIComponent(queue); // a hash-tagged name: {inbox.civil-affairs}
  const pause = `/api/queues/${queueInPath}/pause`;
  // Each way of writing the path of Bull Board's pause. Express now routes only the exact spelling
  // (case-sensitive, strict) to Bull Board; whatever reaches it passes its own guard.
  const variants = [
    `/queues${pause}`,
    `/QUEUES${pause}`,
    `/Queues${pause}`,
    `/queues${pause.toUpperCase()}`,
    `/queues${pause}/`,
    `/queues/${pause}`,
    `//queues${pause}`,
    `/%71ueues${pause}`,
    `/queues${pause.replaceAll('/', '%2F')}`,
    `/queues%2F${pause.slice(1)}`,
    `/queues${pause.replace('pause', '%70ause')}`,
    `/queues;${pause}`,
  ];

  async function paused(): Promise<boolean> {
    const response = await users.operator.fetch(`/queues/api/queues?activeQueue=${queueInPath}`, { headers: { accept: 'application/json' } });
    const body = (await response.json()) as { queues: { name: string; isPaused: boolean }[] };
    const found = body.queues.find((q) => q.name === queue);
    if (!found) throw new Error(`no queue ${queue} on the board`);
    return found.isPaused;
  }

  it.each(['office', 'unit'] as const)('refuses the queues to the %s in every spelling of the path, and shows no menu entry', async (role) => {
    const client = users[role];
    const answers = [];
    for (const path of variants) {
      const response = await client.fetch(path, { method: 'PUT', headers: { origin: app.baseUrl } });
      answers.push({ path, status: response.status, stack: STACK.test(await response.text()) });
    }
    expect(answers.filter(({ status, stack }) => ![403, 404].includes(status) || stack)).toEqual([]);
    expect(await paused()).toBe(false);
    expect((await client.fetch('/queues')).status).toBe(403);
    expect((await client.fetch('/queues/api/queues')).status).toBe(403);
    const board = await (await client.fetch('/handoffs')).text();
    expect(board).not.toContain('href="/queues"');
  });

  it('refuses every spelling to a visitor without a session', async () => {
    const answers = [];
    for (const path of variants) {
      answers.push({ path, status: (await fetch(`${app.baseUrl}${path}`, { method: 'PUT', redirect: 'manual' })).status });
    }
    expect(answers.filter(({ status }) => ![401, 404].includes(status))).toEqual([]);
    expect(await paused()).toBe(false);
  });

  it('lets an operator change a queue from the console’s own pages only, and make no job', async () => {
    const operator = users.operator;
    expect(await (await operator.fetch('/handoffs')).text()).toContain('href="/queues"');
    expect((await operator.fetch(`/queues${pause}`, { method: 'PUT' })).status).toBe(403); // no Origin: not from a page
    expect((await operator.fetch(`/queues${pause}`, { method: 'PUT', headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await operator.fetch(`/queues${pause}`, { method: 'PUT', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const add = await operator.fetch(`/queues/api/queues/${queueInPath}/add`, {
      method: 'POST',
      headers: { origin: app.baseUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'handoff.judicial-referral', data: {} }),
    });
    expect(add.status).toBe(403);
    expect(await paused()).toBe(false);
    expect((await operator.fetch(`/queues${pause}`, { method: 'PUT', headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    expect(await paused()).toBe(true);
    expect((await operator.fetch(`/queues/api/queues/${queueInPath}/resume`, { method: 'PUT', headers: { origin: app.baseUrl } })).status).toBe(200);
    expect(await paused()).toBe(false);
  });

  it('checks the form token on every POST: sign-in, sign-out, acknowledge, note', async () => {
    const office = users.office;
    const ack = `/escalations/${seeded.overdue.alertId}/acknowledge`;
    const note = `/escalations/${seeded.overdue.alertId}/notes`;
    const ackToken = await office.formToken('/escalations', ack);
    const noteToken = await office.formToken('/escalations', note);
    expect(ackToken).not.toBe(noteToken); // one token per form
    expect(ackToken).toBe(office.csrf(ack));

    for (const token of [undefined, '', 'forged', noteToken]) {
      const response = await office.postForm(ack, token === undefined ? {} : { _csrf: token });
      expect(response.status).toBe(403);
    }
    // Another session's token for the same form does not fit this one.
    const otherOffice = await ConsoleClient.signIn(app.baseUrl, 'office', 'office-password-1');
    expect((await office.postForm(ack, { _csrf: await otherOffice.formToken('/escalations', ack) })).status).toBe(403);
    const [before] = await db.query<{ acknowledgedAt: Date | null }>(`SELECT "acknowledgedAt" FROM "Alert" WHERE id = $1`, [seeded.overdue.alertId]);
    expect(before.acknowledgedAt).toBeNull();

    expect((await office.postForm(note, { _csrf: noteToken, text: '已电话督促' })).status).toBe(303);
    expect((await office.postForm(ack, { _csrf: ackToken })).status).toBe(303);
    const [after] = await db.query<{ acknowledgedAt: Date | null }>(`SELECT "acknowledgedAt" FROM "Alert" WHERE id = $1`, [seeded.overdue.alertId]);
    expect(after.acknowledgedAt).not.toBeNull();

    // Sign-in: the token of the form's own cookie, nothing else.
    const form = await loginForm(app.baseUrl);
    const other = await loginForm(app.baseUrl);
    const signIn = (cookie: string, token: string | undefined) =>
      fetch(`${app.baseUrl}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'office', password: 'office-password-1', ...(token ? { _csrf: token } : {}) }),
      });
    expect((await signIn('', undefined)).status).toBe(403);
    expect((await signIn(form.cookie, undefined)).status).toBe(403);
    expect((await signIn(form.cookie, other.token)).status).toBe(403);
    expect((await signIn(form.cookie, form.token)).status).toBe(303);

    // Sign-out: without the token the session stays.
    expect((await otherOffice.postForm('/logout', {})).status).toBe(403);
    expect((await otherOffice.fetch('/handoffs')).status).toBe(200);
    const logout = await otherOffice.formToken('/handoffs', '/logout');
    expect((await otherOffice.postForm('/logout', { _csrf: logout })).status).toBe(303);
    expect((await otherOffice.fetch('/handoffs')).status).toBe(303); // back to sign-in
  });

  it('sends security headers with every page', async () => {
    for (const response of [await fetch(`${app.baseUrl}/login`), await users.office.fetch('/handoffs'), await users.operator.fetch('/queues')]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    const login = await fetch(`${app.baseUrl}/login`);
    expect(login.headers.getSetCookie().join()).toMatch(/bus_login=.*HttpOnly; SameSite=Strict/);
  });

  it('answers every error path in JSON without a stack trace', async () => {
    const office = users.office;
    const token = office.csrf(`/escalations/${seeded.overdue.alertId}/notes`);
    const cases: [string, Promise<Response>][] = [
      ['unknown page', office.fetch('/no-such-page')],
      ['bad id', office.fetch('/handoffs/not-a-uuid')],
      ['someone else’s handoff', users.unit.fetch(`/handoffs/${seeded.overdue.id}`)],
      ['bad query', office.fetch('/handoffs?from=2026-02-30')],
      ['office-only action', users.operator.postForm(`/escalations/${seeded.overdue.alertId}/notes`, { _csrf: 'x' })],
      ['oversized form', fetch(`${app.baseUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(40_000)}` })],
      ['NUL in a note', office.postForm(`/escalations/${seeded.overdue.alertId}/notes`, { _csrf: token, text: 'a\u0000b' })],
      ['bad escape in a path', office.fetch('/handoffs/%E0%A4%A')],
      ['malformed JSON to Bull Board', users.operator.fetch(`/queues${pause}`, { method: 'PUT', headers: { origin: app.baseUrl, 'content-type': 'application/json' }, body: '{' })],
      ['unknown Bull Board API', users.operator.fetch('/queues/api/nothing-here')],
    ];
    const wrong = [];
    for (const [label, pending] of cases) {
      const response = await pending;
      const text = await response.text();
      const json = response.headers.get('content-type')?.startsWith('application/json');
      if (response.status < 400 || response.status >= 500 || !json || STACK.test(text)) wrong.push({ label, status: response.status, text: text.slice(0, 200) });
    }
    expect(wrong).toEqual([]);
  });
});
