import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { adapterConfig, type AdapterSettings, type UnitEnv } from '#config';
import { bootQueueBackend } from '#bus';
import { AdapterModule, type AdapterProcessUnits } from './adapter.module.js';
import { createValidationPipe, ProblemFilter, useJsonBodies } from '#http';
import { useObservability } from '#observability';
import { assertDatabaseUrlLogin, DatabaseLoginCheck, FieldProtection, unitDatabaseLogin } from '#persistence';
import { ATTACHMENT_UPLOAD_BODY_BYTES } from '#handoffs';
import { ADAPTER_ERROR_STATUSES } from './api/error-statuses.js';
import { serveOpenApi } from './openapi.js';
import { startAdapterQueues } from './consumer/adapter-queues.js';

/** Starts one unit's adapter: its HTTP API and its queues' consumers (the queue transport). */
export async function bootstrapAdapter(): Promise<NestExpressApplication> {
  // Redis or PostgreSQL, before any Queue or Worker is made; the unit's login is checked before anything connects with it.
  await bootQueueBackend(adapterConfig, 'adapter', (settings) => assertDatabaseUrlLogin(settings.databaseUrl, unitDatabaseLogin(settings.agency)));
  return startAdapterApp(process.env, { shutdownHooks: true });
}

/**
 * One unit's adapter application, listening on its port. The queue backend is selected before
 * (bootQueueBackend). `shutdownHooks`: the app stops itself at SIGTERM; a shared process
 * (multi-main.ts) stops all its apps together instead, since Nest's own handler re-sends the
 * signal to the process as soon as its one app has closed.
 */
export async function startAdapterApp(env: UnitEnv, options: { shutdownHooks: boolean; sharedBy?: AdapterProcessUnits }): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AdapterModule.forUnit(env, options.sharedBy), { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<AdapterSettings>(adapterConfig.KEY);
  // An oversized body is refused with 413 before it is parsed (issue: bad input).
  // JSON only (else 415), larger bodies 413; an attachment upload (第九条) up to its own limit.
  useJsonBodies(app, settings.maxBodyBytes, [{ method: 'POST', path: /^\/handoffs\/[^/]+\/attachments\/?$/i, limit: ATTACHMENT_UPLOAD_BODY_BYTES }]);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(ADAPTER_ERROR_STATUSES));
  if (options.shutdownHooks) app.enableShutdownHooks();

  serveOpenApi(app, settings.agency);
  try {
    // Boot stops unless the adapter runs under its unit's own login, which row-level security binds (第二十四条).
    await app.get(DatabaseLoginCheck).verify(unitDatabaseLogin(settings.agency));
    // Boot stops when DATA_MASTER_KEY is not the key the stored data keys were wrapped with.
    await app.get(FieldProtection).checkMasterKey();
    // The modules' hooks first (relay, reconciler), then the jobs, then requests.
    await app.init();
    await startAdapterQueues(app);
    await app.listen(settings.port, settings.host);
  } catch (error) {
    // In a shared process the others keep running until it stops: this app's loops and pools must not.
    if (!options.shutdownHooks) await app.close().catch(() => undefined);
    throw error;
  }
  new Logger('Adapter').log(`${settings.agency} adapter listening on http://${settings.host}:${settings.port} (delivery: ${settings.delivery.mode})`);
  return app;
}
