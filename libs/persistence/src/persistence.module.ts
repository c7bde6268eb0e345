import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { UnitScope, MESSAGE_SIGNER } from './unit-scope.js';
import type { MessageSigner } from '#security';
import { ObservationQueries } from './observation.queries.js';
import { OperationsQueries } from './operations.queries.js';
import { OfficeScope } from './office-scope.js';
import { DATABASE_URL, PrismaService } from './prisma.service.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { DatabaseLoginCheck } from './database-login-check.js';
import { FIELD_ENCRYPTION_KEYS, type FieldEncryptionKeys, FieldProtection } from './field-protection.js';

/** Provides the two scopes; the Prisma client stays inside. */
@Module({})
export class PersistenceModule {
  static forRoot(options: {
    imports?: ModuleMetadata['imports'];
    inject?: InjectionToken[];
    databaseUrl: (...deps: never[]) => string;
    /** the keys of field encryption: required where citizen data is read or written (the adapters) */
    fieldEncryption?: (...deps: never[]) => FieldEncryptionKeys | null;
    /** the unit key that signs the messages the process writes */
    messageSigner?: (...deps: never[]) => MessageSigner | null;
  }): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: DATABASE_URL, inject: options.inject ?? [], useFactory: options.databaseUrl },
        { provide: FIELD_ENCRYPTION_KEYS, inject: options.inject ?? [], useFactory: options.fieldEncryption ?? (() => null) },
        { provide: MESSAGE_SIGNER, inject: options.inject ?? [], useFactory: options.messageSigner ?? (() => null) },
        PrismaService,
        FieldProtection,
        UnitScope,
        OfficeScope,
        ObservationQueries,
        OperationsQueries,
        ApiKeyRepository,
        DatabaseLoginCheck,
      ],
      exports: [UnitScope, OfficeScope, ObservationQueries, OperationsQueries, ApiKeyRepository, FieldProtection, DatabaseLoginCheck],
    };
  }
}
