import type { UnitCode } from '#contracts';

/**
 * The PostgreSQL logins of the bus's apps (第二十四条), created by the migration
 * 20261130110000_database_logins_rls. Row-level security keys a unit's rows to its login's name, so
 * these names are part of the schema, not settings. Passwords are never here: the operators set them
 * (docs/operations.md, "Database logins") and put them in each app's DATABASE_URL.
 */
export const SCHEDULER_DATABASE_LOGIN = 'bus_scheduler';
export const CONSOLE_DATABASE_LOGIN = 'bus_console';

/** e.g. civil-affairs → bus_unit_civil_affairs (the database function bus_login_agency() reverses it). */
export function unitDatabaseLogin(agency: UnitCode): string {
  return `bus_unit_${agency.replaceAll('-', '_')}`;
}

/** The same database and server as `url`, reached with another login (its password, if any, replaced). */
export function databaseUrlWithLogin(url: string, login: string, password?: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login);
  parsed.password = password === undefined ? '' : encodeURIComponent(password);
  return parsed.toString();
}
