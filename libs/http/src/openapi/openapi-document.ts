import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

type Json = Record<string, unknown>;

/** The version of the bus's APIs: package.json's, so a release bumps the documents with it. */
export function apiVersion(): string {
  // Source (libs/http/src/openapi) and build (dist/libs/http/src/openapi) sit at different depths.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'judicial-social-assistance-bus' && pkg.version) return pkg.version;
    } catch {
      // not here: one level up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json of the bus not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export interface OpenApiOptions {
  title: string;
  description: string;
  /** where the app listens when run by `npm run bus` */
  localUrl: string;
  tags?: readonly (readonly [string, string])[];
  /** how callers authenticate: an API key (default) or the console's session cookie */
  sessionCookie?: string;
  /** classes with @ApiProperty that no route names but the document refers to */
  extraModels?: (abstract new (...args: never[]) => unknown)[];
  /** schemas the document owns besides the DTOs' (aliases such as `UnitMessage`) */
  schemas?: Record<string, Json>;
  webhooks?: Record<string, Json>;
  /** extensions under info, e.g. x-schema-versions */
  infoExtensions?: Record<string, unknown>;
}

/**
 * One OpenAPI 3.1 document of a bus app, built from the controllers' decorators (@nestjs/swagger)
 * and the DTOs' class-validator rules (class-validator-jsonschema): request schemas are the
 * validation rules themselves, so the document cannot drift from what the API accepts.
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(apiVersion())
    .setLicense('UNLICENSED — for the member units of 晋检发办字〔2023〕10号 only', 'https://www.jinjiang.gov.cn/')
    .setContact('晋江市司法救助与社会救助衔接联席会议办公室', 'https://www.jinjiang.gov.cn/', 'office@bus.example.cn')
    .addServer(options.localUrl, 'npm run bus on this machine (本机)');
  if (options.sessionCookie) builder.addCookieAuth(options.sessionCookie, { type: 'apiKey', in: 'cookie', name: options.sessionCookie, description: 'the session cookie set by signing in at /login (登录后的会话)' }, 'session');
  else builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'the caller’s API key (API 密钥); the app keeps only its SHA-256' });
  for (const [name, description] of options.tags ?? []) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    // handoffsList, inboxList…: unique across controllers, and the client's method names read from them
    operationIdFactory: (controller, method) =>
      controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase()) + method.replace(/^./, (c) => c.toUpperCase()),
    extraModels: options.extraModels,
  });
  const validatorSchemas = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
  }) as Record<string, Json>;
  const schemas: Record<string, Json> = { ...validatorSchemas, ...(document.components?.schemas as Record<string, Json>), ...options.schemas };
  const finished = {
    ...document,
    openapi: '3.1.0',
    info: { ...document.info, ...options.infoExtensions },
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    components: { ...document.components, schemas },
  } as OpenAPIObject;
  withDatabaseUnavailable(finished);
  finished.components = { ...finished.components, schemas: reachableSchemas(finished, schemas) };
  return sortKeys(exclusiveAlternatives(finished)) as OpenAPIObject;
}

/**
 * Every operation that reads or writes PostgreSQL may answer 503 with Retry-After while the
 * database is unreachable (ProblemFilter); the health endpoints answer their own 503.
 */
function withDatabaseUnavailable(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (path.startsWith('/health') || path === '/metrics') continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation || operation.responses['503']) continue;
      operation.responses['503'] = {
        description: 'PostgreSQL is unreachable: nothing was read or written; send the same request again (with its Idempotency-Key) after Retry-After seconds',
        headers: { 'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer', example: 5 } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' }, example: { statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'the database is unavailable; nothing was written, try again later', problems: [{ field: '', message: 'the database is unavailable; nothing was written, try again later' }] } } },
      };
    }
  }
}

/** Serves a document as before: JSON at /openapi.json, browsable at /docs. */
export function serveOpenApiDocument(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
}

/**
 * class-validator-jsonschema turns every validated class of the process into a schema (settings
 * DTOs included): keep only those the document refers to, directly or through other schemas.
 */
function reachableSchemas(document: OpenAPIObject, schemas: Record<string, Json>): Record<string, Json> {
  const keep = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
        const name = inner.slice('#/components/schemas/'.length);
        if (!keep.has(name) && schemas[name]) {
          keep.add(name);
          visit(schemas[name]);
        }
      } else {
        visit(inner);
      }
    }
  };
  visit({ paths: document.paths, webhooks: (document as { webhooks?: unknown }).webhooks, responses: document.components?.responses });
  return Object.fromEntries([...keep].sort().map((name) => [name, schemas[name]]));
}

/**
 * class-validator-jsonschema writes `@IsISO8601` as `oneOf: [date, date-time]`; both accept the same
 * strings as far as JSON Schema goes, so `anyOf` is what is meant.
 */
function exclusiveAlternatives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(exclusiveAlternatives);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, inner]) => {
    const primitives = key === 'oneOf' && Array.isArray(inner) && inner.every((alt) => typeof alt === 'object' && alt !== null && !('$ref' in alt) && (alt as Json).type === 'string');
    return [primitives ? 'anyOf' : key, exclusiveAlternatives(inner)];
  });
  return Object.fromEntries(entries);
}

/** Stable key order for schemas, so the committed documents diff cleanly. */
function sortKeys(value: unknown, path: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, path));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const parent = path[path.length - 1];
  // Only maps whose order carries no meaning are sorted (schemas, paths stay in declaration order).
  const sortable = parent === 'schemas' || parent === 'properties';
  if (sortable) entries.sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner, [...path, key])]));
}
