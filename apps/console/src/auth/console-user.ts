import { UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { UnitCode } from '#contracts';
import type { Viewer } from '#persistence';

/** The signed-in person, as pages and guards see it. */
export interface SignedInUser {
  id: string;
  username: string;
  role: 'operator' | 'office' | 'unit';
  agency: UnitCode | null;
  /** the CSRF token of the form posting to `action`, bound to this session (auth/csrf-token.ts) */
  csrf: (action: string) => string;
}

/** The user SessionMiddleware put on the request; a page behind it without one is refused, not rendered. */
export function signedInUser(req: Request): SignedInUser {
  if (!req.user) throw new UnauthorizedException();
  return req.user;
}

export function viewerOf(user: SignedInUser): Viewer {
  return user.role === 'unit' && user.agency ? { role: 'unit', agency: user.agency } : { role: user.role === 'unit' ? 'office' : user.role };
}

declare module 'express' {
  interface Request {
    user?: SignedInUser;
  }
}
