import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { loggerParams } from './logger-params.js';

/** Runs pino-http with the apps' settings in front of a tiny server and returns what it logged. */
async function logOf(
  request: { path: string; method?: string; headers?: Record<string, string>; body?: string },
  status = 201,
  params: (port: number) => Parameters<typeof loggerParams>[0] = () => ({ app: 'adapter', agency: 'civil-affairs', level: 'info' }),
) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // Made once the server listens: a shared process's settings name the unit by its port.
  const logging: { middleware?: ReturnType<typeof pinoHttp> } = {};
  const server: Server = createServer((req, res) => {
    logging.middleware?.(req, res);
    req.resume();
    req.on('end', () => res.writeHead(status).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  logging.middleware = pinoHttp(loggerParams(params(port)).pinoHttp as object, sink);
  const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
    method: request.method ?? 'POST',
    headers: request.headers,
    body: request.body,
  });
  await response.text();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return { lines, response };
}

describe('request logs', () => {
  it('are JSON lines with app and agency, method, url, status and duration only', async () => {
    const { lines, response } = await logOf({
      path: '/handoffs/judicial-referrals',
      headers: { authorization: 'Bearer secret-key', cookie: 'session=abc', 'content-type': 'application/json' },
      body: JSON.stringify({ person: { name: '林某某', idNumber: '11010519491231002X' } }),
    });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ app: 'adapter', agency: 'civil-affairs', level: 30, req: { method: 'POST', url: '/handoffs/judicial-referrals' }, res: { statusCode: 201 } });
    expect(typeof line.responseTime).toBe('number');
    expect(Object.keys(line.req as object).sort()).toEqual(['id', 'method', 'url']);
    expect(response.headers.get('x-request-id')).toBe((line.req as { id: string }).id);
    const text = JSON.stringify(line);
    for (const secret of ['secret-key', 'session=abc', '林某某', '11010519491231002X']) expect(text).not.toContain(secret);
  });

  it('do not log probes, and log failures louder', async () => {
    expect((await logOf({ path: '/metrics', method: 'GET' }, 200)).lines).toHaveLength(0);
    expect((await logOf({ path: '/health/ready', method: 'GET' }, 503)).lines).toHaveLength(0);
    expect((await logOf({ path: '/inbox', method: 'GET' }, 401)).lines[0]).toMatchObject({ level: 40 });
    expect((await logOf({ path: '/inbox', method: 'GET' }, 500)).lines[0]).toMatchObject({ level: 50 });
  });

  it('keep a caller’s sane request id and refuse a strange one', async () => {
    const kept = await logOf({ path: '/inbox', method: 'GET', headers: { 'x-request-id': 'sys-42' } }, 200);
    expect(kept.lines[0]).toMatchObject({ req: { id: 'sys-42' } });
    const replaced = await logOf({ path: '/inbox', method: 'GET', headers: { 'x-request-id': 'a b{}' } }, 200);
    expect((replaced.lines[0].req as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('in a process of several units, name them all, and a request the unit whose port answered', async () => {
    const shared = (port: number) => ({ app: 'adapter', level: 'info' as const, agency: 'procuratorate', sharedBy: [{ agency: 'procuratorate', port: 1 }, { agency: 'education', port }] });
    const { lines } = await logOf({ path: '/inbox', method: 'GET' }, 200, shared);
    expect(lines[0]).toMatchObject({ app: 'adapter', units: 'procuratorate,education', agency: 'education' });
  });
});
