import { Controller, type INestApplication, type Type } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { IsOptional, IsString, Length } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { UNIT_MESSAGES, unitMessageDocumentation } from '#units';
import {
  type BusJobData,
  IsCalendarDate,
  inboxQueueName,
  JOBS_BY_QUEUE_KIND,
  MESSAGE_REGISTRY,
  MessageCatalog,
  type MessageRegistry,
  MESSAGES,
  MessageType,
  SCHEDULER_QUEUE,
} from '#contracts';
import { type ConsumeOutcome, InProcessQueueDriver, type JobsByQueueKind, MissingHandlerError, QUEUE_TRANSPORT, QueueClient, type QueueJobContext, QueueTransport, startQueueTransport } from '#bus';
import { InboxConsumerService } from './inbox-consumer.service.js';
import { InboxJobsController } from './inbox-jobs.controller.js';

// docs/architecture.md, *Add a message type*: one registry entry is all the bus's plumbing needs.
// This spec adds a test-only type to a copy of MESSAGE_REGISTRY and checks that every derived
// thing follows it, and that a type nobody handles stops the consumer from booting.

/** A test-only message: a unit asks the sender of a handoff for more on it. */
class ClarificationRequestPayloadV1 {
  @IsString() @Length(1, 500) question!: string;
}

/** Its second version, beside the first: an answer may now be asked for by a date. */
class ClarificationRequestPayloadV2 {
  @IsString() @Length(1, 500) question!: string;
  @IsOptional() @IsCalendarDate() answerBy?: string;
}

const CLARIFICATION = 'handoff.clarification-request';

/** The one entry a new message type needs. */
const EXTENDED = {
  ...MESSAGE_REGISTRY,
  ClarificationRequest: {
    type: CLARIFICATION,
    queue: 'inbox',
    payloads: { 1: ClarificationRequestPayloadV1, 2: ClarificationRequestPayloadV2 },
    handling: { kind: 'lifecycle', step: 'received' },
  },
} as const satisfies MessageRegistry;

const extended = new MessageCatalog(EXTENDED);

describe('adding a message type: one registry entry', () => {
  it('gives it its job name, on the queue kind it declares, after the registry’s own', () => {
    expect(extended.names().ClarificationRequest).toBe(CLARIFICATION);
    expect(extended.types()).toEqual([...MESSAGES.types(), CLARIFICATION]);
    expect(extended.typesOn('inbox')).toEqual([...JOBS_BY_QUEUE_KIND.inbox, CLARIFICATION]);
    expect(extended.typesOn('scheduler')).toEqual(JOBS_BY_QUEUE_KIND.scheduler);
    // The registry's own names are what queued jobs carry: the derived ones are the frozen strings.
    expect(MessageType).toMatchObject({ Receipt: 'handoff.receipt', StepRecorded: 'handoff.step-recorded' });
  });

  it('routes it to the recipient’s inbox, as step events go to the scheduler', () => {
    expect(extended.queueOf({ type: CLARIFICATION, to: 'education' })).toBe(inboxQueueName('education'));
    expect(extended.queueOf({ type: MessageType.StepRecorded, to: 'education' })).toBe(SCHEDULER_QUEUE);
  });

  it('validates its payload by the class of its schema version, and refuses a version it does not declare', () => {
    expect(extended.schemaVersionsOf(CLARIFICATION)).toEqual([1, 2]);
    expect(extended.schemaVersions()).toEqual([1, 2]);
    expect(extended.validatePayload(CLARIFICATION, 1, { question: '是否已申请低保？' })).toMatchObject({ ok: true, value: { question: '是否已申请低保？' } });
    // answerBy came with version 2: version 1 refuses it as an unknown field, version 2 checks it.
    expect(extended.validatePayload(CLARIFICATION, 1, { question: '?', answerBy: '2026-12-10' }).ok).toBe(false);
    expect(extended.validatePayload(CLARIFICATION, 2, { question: '?', answerBy: '2026-12-10' }).ok).toBe(true);
    expect(extended.validatePayload(CLARIFICATION, 2, { question: '?', answerBy: 'soon' }).ok).toBe(false);
    expect(extended.validatePayload(CLARIFICATION, 3, { question: '?' })).toMatchObject({ ok: false, problems: [{ field: 'schemaVersion' }] });
  });

  it('documents it in the webhook and inbox schemas: its type, its payload schema of each version, its versions', () => {
    const documented = unitMessageDocumentation(extended);
    expect(documented.types).toContain(CLARIFICATION);
    expect(documented.payloadSchemas).toEqual([...UNIT_MESSAGES.payloadSchemas, 'ClarificationRequestPayloadV1', 'ClarificationRequestPayloadV2']);
    expect(documented.schemaVersions[CLARIFICATION]).toEqual([1, 2]);
    // Each name is a schema class-validator-jsonschema writes from the class: the document's $ref resolves.
    const schemas = validationMetadatasToSchemas();
    expect(schemas.ClarificationRequestPayloadV2?.properties).toHaveProperty('answerBy');
    // The bus's own documents do not list a type its registry does not declare.
    expect(UNIT_MESSAGES.types).not.toContain(CLARIFICATION);
  });
});

describe('the inbox handler, derived from the registry', () => {
  const consumed: string[] = [];
  const inbox = {
    consume: async (job: BusJobData): Promise<ConsumeOutcome> => {
      consumed.push(job.type);
      return 'processed';
    },
  };
  let app: INestApplication | undefined;
  let driver: InProcessQueueDriver;
  const queue = inboxQueueName('education');
  const policy = { windowMs: 1_000, backoffMs: 100, maxBackoffMs: 100 };

  beforeEach(() => {
    consumed.length = 0;
    driver = new InProcessQueueDriver({ inbox: policy, delivery: policy, scheduler: policy, alerts: policy });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(controllers: Type[], jobs: JobsByQueueKind): Promise<void> {
    const moduleRef = await Test.createTestingModule({ controllers, providers: [{ provide: InboxConsumerService, useValue: inbox }] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const transport = new QueueTransport(driver, [{ queue, kind: 'inbox' }], { onDeadLetter: async () => undefined }, jobs);
    await startQueueTransport(app, transport, []);
  }

  it('takes every inbox type of the registry with its one method', async () => {
    await boot([InboxJobsController], JOBS_BY_QUEUE_KIND);
    const queues = new QueueClient(driver);
    for (const [index, type] of JOBS_BY_QUEUE_KIND.inbox.entries()) {
      const data: BusJobData = { messageId: `m${index}`, type, schemaVersion: 1, handoffId: 'h1', from: 'procuratorate', to: 'education' };
      await queues.publish({ queue, name: type, id: data.messageId, data, priority: 'normal' });
    }
    expect(await driver.runUntilIdle()).toBe(JOBS_BY_QUEUE_KIND.inbox.length);
    expect(consumed).toEqual([...MESSAGES.typesOn('inbox')]);
  });

  it('refuses to boot while a registered type has no handler, naming it', async () => {
    // InboxJobsController handles MESSAGE_REGISTRY's inbox types: the extended registry's new one is nobody's.
    const refused = await boot([InboxJobsController], { ...JOBS_BY_QUEUE_KIND, inbox: extended.typesOn('inbox') }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MissingHandlerError);
    expect((refused as Error).message).toBe(`no handler for ${CLARIFICATION} on queue ${queue}: refusing to consume it`);
  });

  it('boots once a handler takes the extended registry’s inbox types, as InboxJobsController does its registry’s', async () => {
    @Controller()
    class ExtendedInbox {
      @EventPattern(extended.typesOn('inbox'), QUEUE_TRANSPORT)
      message(@Payload() job: BusJobData, @Ctx() context: QueueJobContext): Promise<ConsumeOutcome> {
        consumed.push(context.arrival.name);
        return inbox.consume(job);
      }
    }
    await boot([ExtendedInbox], { ...JOBS_BY_QUEUE_KIND, inbox: extended.typesOn('inbox') });
    const data: BusJobData = { messageId: 'm1', type: MessageType.Receipt, schemaVersion: 1, handoffId: 'h1', from: 'procuratorate', to: 'education' };
    await new QueueClient(driver).publish({ queue, name: MessageType.Receipt, id: 'm1', data, priority: 'normal' });
    expect(await driver.runUntilIdle()).toBe(1);
    expect(consumed).toEqual([MessageType.Receipt, MessageType.Receipt]);
  });
});
