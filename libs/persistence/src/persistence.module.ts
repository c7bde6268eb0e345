import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { AlertRepository } from './alert.repository.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { CalendarYearRepository } from './calendar-year.repository.js';
import { ConsoleUserRepository } from './console-user.repository.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { HandoffBoardRepository } from './handoff-board.repository.js';
import { HandoffRepository } from './handoff.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { InboxRepository } from './inbox.repository.js';
import { MessageRepository } from './message.repository.js';
import { ObligationRepository } from './obligation.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { DATABASE_URL, PrismaService } from './prisma.service.js';
import { RosterRepository } from './roster.repository.js';

const REPOSITORIES = [
  PrismaService,
  HandoffRepository,
  MessageRepository,
  OutboxRepository,
  InboxRepository,
  IdempotencyRepository,
  DeadLetterRepository,
  ObligationRepository,
  AlertRepository,
  CalendarYearRepository,
  RosterRepository,
  ConsoleUserRepository,
  HandoffBoardRepository,
  ApiKeyRepository,
];

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
      providers: [{ provide: DATABASE_URL, inject: options.inject ?? [], useFactory: options.databaseUrl }, ...REPOSITORIES],
      exports: REPOSITORIES,
    };
  }
}
