import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';

/** The `route` label of a request no route of the app matched (404s, static files of /docs). */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The route pattern, never the path itself: `/handoffs/:id`, so ids do not become label values.
 * Express sets req.route to each route a request passes through; when the response ends it holds
 * the last one. Nest mounts route-bound middleware (nestjs-pino's) as a catch-all route such as
 * `{/*splat}`: a request whose last route is a wildcard was answered by no route of the app.
 */
export function routeLabel(req: Pick<Request, 'baseUrl' | 'route'>): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.includes('*') ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

/**
 * Express middleware timing every request until its response is finished (whatever answered it:
 * a controller, a guard's 401, the 404 handler), into http_request_duration_seconds.
 */
export function httpMetricsMiddleware(histogram: Histogram<'method' | 'route' | 'status_code'>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = histogram.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) }));
    next();
  };
}
