import { Logger } from '@nestjs/common';
import { FORBIDDEN_KEYS } from '#contracts';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import helmet from 'helmet';
import { consoleConfig, type ConsoleSettings } from '#config';
import { createValidationPipe, hideServerDetails, ProblemFilter } from '#http';
import { useObservability } from '#observability';
import { bootQueueBackend } from '#bus';
import { assertDatabaseUrlLogin, CONSOLE_DATABASE_LOGIN, DatabaseLoginCheck } from '#persistence';
import { SessionMiddleware } from './auth/session.middleware.js';
import { ConsoleModule } from './console.module.js';
import { serveOpenApi } from './openapi.js';
import { serveWebFont } from './views/web-font.js';

/** Starts the console: pages for the office and units, Bull Board for operators, behind sign-in. */
export async function bootstrapConsole(): Promise<NestExpressApplication> {
  // Redis or PostgreSQL, before any Queue is made; the console's login is checked before anything connects with it.
  await bootQueueBackend(consoleConfig, 'console', (settings) => assertDatabaseUrlLogin(settings.databaseUrl, CONSOLE_DATABASE_LOGIN));
  // Express matches paths case-insensitively and ignores a trailing slash unless told otherwise, and
  // its router is made with the first middleware: so the instance is configured before Nest sees it.
  // A route is reached only as it is written (/queues, not /QUEUES or /queues/), so what the
  // session middleware and the guards see is the route that answers.
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  hideServerDetails(server);
  const app = await NestFactory.create<NestExpressApplication>(ConsoleModule, new ExpressAdapter(server), { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<ConsoleSettings>(consoleConfig.KEY);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          // The pages carry their style inline; Bull Board's React sets inline styles too.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(settings.cookieSecure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // Served over plain HTTP locally: HSTS only where the console is behind HTTPS (COOKIE_SECURE).
      strictTransportSecurity: settings.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  // Pages that name cases are not kept by browsers or proxies.
  app.use((_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // The parser drops `__proto__` and the like without a word; a form naming one is refused instead
  // (hostile keys refused as unknown fields, never silently ignored). Nest passes
  // body-parser's `verify` through, though its option type leaves it out.
  const urlencoded = {
    extended: false,
    limit: '16kb',
    parameterLimit: 50,
    verify: (_req: unknown, _res: unknown, raw: Buffer) => {
      const hostile = [...new URLSearchParams(raw.toString('utf8')).keys()].find((key) => FORBIDDEN_KEYS.has(key));
      if (hostile) throw Object.assign(new Error(`property ${hostile} should not exist`), { status: 400, expose: true });
    },
  };
  app.useBodyParser('urlencoded', urlencoded);
  app.use(cookieParser());
  serveWebFont(app);
  // Before every route and before Bull Board's router: no page without a session.
  const sessions = app.get(SessionMiddleware);
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => sessions.use(req, res, next).catch(next));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  serveOpenApi(app);
  // Boot stops unless the console runs under its own login, not the tables' owner (第二十四条).
  await app.get(DatabaseLoginCheck).verify(CONSOLE_DATABASE_LOGIN);
  await app.listen(settings.port, settings.host);
  new Logger('Console').log(`console listening on http://${settings.host}:${settings.port}`);
  return app;
}
