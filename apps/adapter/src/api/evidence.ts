import type { Request } from 'express';

/** Who read, and why (issue 9 part 5): the unit's system by its API key id; the reason it gave in X-Access-Reason, and the route. */
export function readerOf(agency: string, req: Request): { actor: string; reason: string } {
  const key = (req as Request & { apiKeyRef?: string }).apiKeyRef ?? 'unknown key';
  const given = req.get('x-access-reason');
  const why = given ? ` — ${given.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200)}` : '';
  return { actor: `${agency} system (${key})`, reason: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}${why}` };
}
