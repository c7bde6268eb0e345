import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { consoleConfig, type ConsoleSettings } from '#config';
import { createValidationPipe, ProblemFilter } from '#http';
import { useObservability } from '#observability';
import { bootQueueBackend } from '#bus';
import { SessionMiddleware } from './auth/session.middleware.js';
import { ConsoleModule } from './console.module.js';
import { serveWebFont } from './views/web-font.js';

/** Starts the console: pages for the office and units, Bull Board for operators, behind sign-in. */
export async function bootstrapConsole(): Promise<NestExpressApplication> {
  await bootQueueBackend(consoleConfig, 'console'); // Redis or PostgreSQL, before any Queue is made
  const app = await NestFactory.create<NestExpressApplication>(ConsoleModule, { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<ConsoleSettings>(consoleConfig.KEY);
  app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
  app.use(cookieParser());
  serveWebFont(app);
  // Before every route and before Bull Board's router: no page without a session.
  const sessions = app.get(SessionMiddleware);
  app.use((req: Parameters<SessionMiddleware['use']>[0], res: Parameters<SessionMiddleware['use']>[1], next: () => void) =>
    sessions.use(req, res, next).catch(next),
  );
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  await app.listen(settings.port, settings.host);
  new Logger('Console').log(`console listening on http://${settings.host}:${settings.port}`);
  return app;
}
