import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { AgencyScope } from './agency-scope.js';
import { ObservationQueries } from './observation.queries.js';
import { OperationsQueries } from './operations.queries.js';
import { OfficeScope } from './office-scope.js';
import { DATABASE_URL, PrismaService } from './prisma.service.js';
import { ApiKeyRepository } from './api-key.repository.js';

/** Provides the two scopes; the Prisma client stays inside (ARCHITECTURE §9). */
@Module({})
export class PersistenceModule {
  static forRoot(options: {
    imports?: ModuleMetadata['imports'];
    inject?: InjectionToken[];
    databaseUrl: (...deps: never[]) => string;
  }): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: options.imports ?? [],
      providers: [{ provide: DATABASE_URL, inject: options.inject ?? [], useFactory: options.databaseUrl }, PrismaService, AgencyScope, OfficeScope, ObservationQueries, OperationsQueries, ApiKeyRepository],
      exports: [AgencyScope, OfficeScope, ObservationQueries, OperationsQueries, ApiKeyRepository],
    };
  }
}
