import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { CLOCK, type Clock, consoleConfig, type ConsoleSettings } from '#config';
import type { UnitCode } from '#contracts';
import { OfficeScope } from '#persistence';
import type { SignedInUser } from './console-user.js';
import { csrfToken } from './csrf-token.js';
import { verifyPassword } from './password.js';

export const SESSION_COOKIE = 'bus_session';

/** The session token the browser sent, if any: cookie-parser types every cookie as `any`. */
export function sessionTokenOf(req: Request): string | undefined {
  const token: unknown = req.cookies?.[SESSION_COOKIE];
  return typeof token === 'string' ? token : undefined;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sign-in, sessions that expire, sign-out. The cookie carries a random token; the table its digest. */
@Injectable()
export class SessionService {
  constructor(
    private readonly office: OfficeScope,
    @Inject(consoleConfig.KEY) private readonly settings: ConsoleSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A new session token, or null for an unknown user or a wrong password (same answer for both). */
  async signIn(username: string, password: string): Promise<{ token: string; expiresAt: Date } | null> {
    const user = await this.office.consoleUsers.findByUsername(username);
    const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, DUMMY_HASH);
    if (!user || !valid) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.sessionTtlMinutes * 60_000);
    await this.office.consoleUsers.createSession({ tokenHash: digest(token), userId: user.id, expiresAt });
    return { token, expiresAt };
  }

  async userOf(token: string | undefined): Promise<SignedInUser | null> {
    if (!token) return null;
    const user = await this.office.consoleUsers.userOfSession(digest(token), this.clock.now());
    return user
      ? {
          id: user.id,
          username: user.username,
          role: user.role,
          agency: user.agency as UnitCode | null,
          csrf: (action: string) => csrfToken(token, action),
        }
      : null;
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.office.consoleUsers.endSession(digest(token));
  }
}

// Verifying against a fixed hash for unknown users keeps sign-in time the same either way.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
