import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { agencyDefinition } from '#agencies';
import type { AgencyCode } from '#contracts';

/**
 * The adapter's OpenAPI document, served at /openapi.json and browsable at /docs. Request schemas
 * come from the class-validator rules themselves, so the document cannot drift from validation.
 */
export function serveOpenApi(app: INestApplication, agency: AgencyCode): void {
  const unit = agencyDefinition(agency);
  const config = new DocumentBuilder()
    .setTitle(`Judicial ↔ social assistance bus — ${unit.nameZh} adapter`)
    .setDescription(
      `The API ${unit.nameZh}'s own system uses to open handoffs, report their steps and read its inbox (晋检发办字〔2023〕10号, 第十九条–第二十一条). ` +
        'Errors are JSON: { statusCode, error, message, problems: [{ field, message }] }.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the unit’s API key' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(schemas as object) } };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
}
