import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** An app connected with a login other than its own, or one that row-level security does not bind. */
export class WrongDatabaseLoginError extends Error {
  override readonly name = 'WrongDatabaseLoginError';
}

/**
 * The login named in DATABASE_URL, checked before anything connects with it: a URL naming another
 * login (the owner's, another unit's) is refused without a connection attempt, whatever that login's
 * authentication would answer (a server may refuse a login without a password before any query runs).
 * A URL naming no login is left to `DatabaseLoginCheck.verify`, which asks the server once connected.
 */
export function assertDatabaseUrlLogin(databaseUrl: string, expected: string): void {
  let login: string;
  try {
    login = decodeURIComponent(new URL(databaseUrl).username);
  } catch {
    return; // not a URL: the app's own settings validation names DATABASE_URL
  }
  if (login && login !== expected) throw new WrongDatabaseLoginError(loginMessage(login, `not as ${expected}`, expected));
}

const loginMessage = (login: string, problem: string, expected: string): string =>
  `DATABASE_URL logs in as ${login}, ${problem}: use the login ${expected} (docs/operations.md, "Database logins")`;

interface LoginRow {
  login: string;
  superuser: boolean;
  bypassRls: boolean;
  ownsTables: boolean;
}

/**
 * 第二十四条: row-level security binds only a login that is neither a superuser,
 * nor BYPASSRLS, nor the tables' owner. Each app's bootstrap calls `verify` before it listens, so an
 * app handed the owner's DATABASE_URL (or another unit's) stops at boot instead of running unbounded.
 */
@Injectable()
export class DatabaseLoginCheck {
  constructor(private readonly prisma: PrismaService) {}

  async verify(expected: string): Promise<void> {
    const [row] = await this.prisma.$queryRaw<LoginRow[]>`
      SELECT current_user AS login, r.rolsuper AS superuser, r.rolbypassrls AS "bypassRls",
             EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS "ownsTables"
        FROM pg_roles r WHERE r.rolname = current_user`;
    const why = (problem: string): WrongDatabaseLoginError => new WrongDatabaseLoginError(loginMessage(row.login, problem, expected));
    if (row.login !== expected) throw why(`not as ${expected}`);
    if (row.superuser || row.bypassRls) throw why('which row-level security does not bind (superuser or BYPASSRLS)');
    if (row.ownsTables) throw why('which owns the tables (an owner bypasses row-level security)');
  }
}
