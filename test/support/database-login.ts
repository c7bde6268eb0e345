import { databaseUrlWithLogin } from '#persistence';

/**
 * An app's environment with DATABASE_URL (the test's, or a test's own override such as a proxy's)
 * reached with the app's own login, as deployed: the apps run under row-level
 * security, never as the owner the tests set up and inspect with. Test servers trust local logins,
 * so no password is needed.
 */
export function withDatabaseLogin(env: Record<string, string>, login: string): Record<string, string> {
  return env.DATABASE_URL ? { ...env, DATABASE_URL: databaseUrlWithLogin(env.DATABASE_URL, login) } : env;
}
