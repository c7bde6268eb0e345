import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { UNIT_CODES } from '#contracts';
import { AdapterModule } from '../../adapter/src/adapter.module.js';
import { adapterOpenApiDocument } from '../../adapter/src/openapi.js';
import { ConsoleModule } from '../../console/src/console.module.js';
import { consoleOpenApiDocument } from '../../console/src/openapi.js';
import { SchedulerModule } from '../../scheduler/src/scheduler.module.js';
import { schedulerOpenApiDocument } from '../../scheduler/src/openapi.js';

/**
 * Every app's OpenAPI document, by file name (adapter-<unit>, scheduler, console), without
 * PostgreSQL or Redis: Nest's preview mode reads the modules' routes and decorators and runs no
 * provider. The running apps serve the same documents from the same functions.
 */
export async function generateOpenApiDocuments(): Promise<Record<string, OpenAPIObject>> {
  const documents: Record<string, OpenAPIObject> = {};
  await withPreview(AdapterModule.forUnit(), (app) => {
    for (const agency of UNIT_CODES) documents[`adapter-${agency}`] = adapterOpenApiDocument(app, agency);
  });
  await withPreview(SchedulerModule, (app) => (documents.scheduler = schedulerOpenApiDocument(app)));
  await withPreview(ConsoleModule, (app) => (documents.console = consoleOpenApiDocument(app)));
  return documents;
}

async function withPreview(module: Type<unknown> | DynamicModule, use: (app: INestApplication) => unknown): Promise<void> {
  const app = await NestFactory.create(module, { preview: true, logger: false, abortOnError: false });
  try {
    use(app);
  } finally {
    await app.close();
  }
}
