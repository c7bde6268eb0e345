import { EventEmitter } from 'node:events';
import { Histogram, Registry } from 'prom-client';
import { httpMetricsMiddleware, routeLabel, UNMATCHED_ROUTE } from './http-metrics.middleware.js';

describe('HTTP latency metrics', () => {
  it('labels a request with its route pattern, never its path', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/handoffs/:id' } })).toBe('/handoffs/:id');
    expect(routeLabel({ baseUrl: '/api', route: { path: '/inbox' } })).toBe('/api/inbox');
    expect(routeLabel({ baseUrl: '', route: undefined })).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ baseUrl: '', route: { path: '{/*splat}' } })).toBe(UNMATCHED_ROUTE); // only a catch-all middleware matched
  });

  it('observes each request once its response is finished', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'h', help: 'h', labelNames: ['method', 'route', 'status_code'] as const, registers: [registry] });
    const req = { method: 'POST', baseUrl: '', route: undefined as unknown } as never as Parameters<ReturnType<typeof httpMetricsMiddleware>>[0];
    const res = Object.assign(new EventEmitter(), { statusCode: 201 }) as never as Parameters<ReturnType<typeof httpMetricsMiddleware>>[1];
    let nextCalled = false;
    httpMetricsMiddleware(histogram)(req, res, () => (nextCalled = true));
    expect(nextCalled).toBe(true);
    (req as { route: unknown }).route = { path: '/handoffs/judicial-referrals' }; // set by express as the route runs
    (res as unknown as EventEmitter).emit('finish');
    const text = await registry.metrics();
    expect(text).toContain('h_count{method="POST",route="/handoffs/judicial-referrals",status_code="201"} 1');
  });
});
