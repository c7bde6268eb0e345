import { CONSOLE_DATABASE_LOGIN } from '#persistence';
import { withDatabaseLogin } from './database-login.js';
import { ServiceProcess } from './service-process.js';

/** The console as its own process (signs in with accounts, not an API key). */
export class ConsoleProcess extends ServiceProcess {
  constructor(options: { databaseUrl: string; redisUrl: string; queuePrefix: string; extraEnv?: Record<string, string> }) {
    super(
      'console',
      'dist/apps/console/src/main.js',
      () => withDatabaseLogin({ DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl, QUEUE_PREFIX: options.queuePrefix, ...options.extraEnv }, CONSOLE_DATABASE_LOGIN),
      '',
      '/login',
    );
  }
}
