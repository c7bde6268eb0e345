import { seedNodeLookup } from './queue-backend.js';

type Resolve = Parameters<typeof seedNodeLookup>[0];
const ask = (resolve: Resolve, hostname: string) =>
  new Promise<{ error: unknown; address: string }>((done) => seedNodeLookup(resolve)(hostname, (error, address) => done({ error, address })));

describe('the Redis Cluster seed nodes’ lookup', () => {
  it('gives the address of a name that resolves', async () => {
    const resolve: Resolve = (_hostname, callback) => callback(null, '172.18.0.3', 4);
    expect(await ask(resolve, 'redis-c2')).toEqual({ error: null, address: '172.18.0.3' });
  });

  it('keeps a name that no longer resolves, so that the other seeds are still tried', async () => {
    const resolve: Resolve = (hostname, callback) => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    expect(await ask(resolve, 'redis-c1')).toEqual({ error: null, address: 'redis-c1' });
  });

  it('resolves through the system’s lookup by default', async () => {
    const address = await new Promise<string>((done) => seedNodeLookup()('localhost', (_error, resolved) => done(resolved)));
    expect(address).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
