import type { Request } from 'express';

/** Who read, and why: the unit's system by its API key id; the reason it gave in X-Access-Reason, and the route. */
export function readerOf(agency: string, req: Request): { actor: string; reason: string } {
  const key = (req as Request & { apiKeyRef?: string }).apiKeyRef ?? 'unknown key';
  const given = req.get('x-access-reason');
  // Printable characters only, and short: the reason is the caller's text.
  const why = given ? ` — ${[...given].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('').slice(0, 200)}` : '';
  const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
  return { actor: `${agency} system (${key})`, reason: `${req.method} ${req.baseUrl}${route}${why}` };
}
