import type { NextFunction, Request, Response } from 'express';

const refuse = (res: Response, status: number, message: string) =>
  res.status(status).json({ statusCode: status, error: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message, problems: [] });

/**
 * Bull Board's own guard, mounted with its router (BullBoardModule's `middleware`), so it runs for
 * exactly the requests Bull Board answers, however their path was written — not for a path prefix
 * compared elsewhere (`PUT /QUEUES/...` used to pass a case-sensitive prefix check while
 * Express routed it case-insensitively). Operators only: the queues are a technical page, for
 * looking and for changing. A change must come from the console's own pages (same origin): Bull
 * Board's browser code cannot carry the console's form tokens.
 */
export function queueAccess(req: Request, res: Response, next: NextFunction): void {
  if (!req.user) return void refuse(res, 401, 'sign in first');
  if (req.user.role !== 'operator') return void refuse(res, 403, 'the queues are for operators only');
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  // Operators pause, resume, retry, clean, promote and remove (all PUT). Making a job or editing its
  // data (POST, PATCH) is the bus's alone: a job made here would be a forged message to a unit.
  if (req.method !== 'PUT') return void refuse(res, 403, 'jobs are made and changed by the bus only');
  if (!sameOrigin(req)) return void refuse(res, 403, 'queue changes are accepted from the console’s own pages only');
  next();
}

/** The browser says where the request comes from: Sec-Fetch-Site, or else Origin against Host. */
function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
