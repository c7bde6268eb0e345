import type { UnitCode } from './unit-codes.js';
import type { HandoffKind, Step } from './handoff.enums.js';
import { inboxQueueName, SCHEDULER_QUEUE } from './queue-names.js';
import { type Validated, validatePlain } from './validation.js';

/** The payload schema version producers write today; every message type declares a class for it. */
export const CURRENT_SCHEMA_VERSION = 1;

/** A payload class: class-validator rules on its fields, the JSON schema of the documents named after it. */
export type PayloadClass = new () => object;

/** The queues a message travels on: the recipient's inbox, or the scheduler's step events. */
export type MessageQueue = 'inbox' | 'scheduler';

/**
 * What receiving the message means, for the reader of the registry and for what is derived from
 * it: the opening of a handoff of a kind (第十九条, 第二十条), a step of 第二十一条 told to the other
 * party, or the internal event that tells the scheduler a step was recorded.
 */
export type MessageHandling =
  | { readonly kind: 'opening'; readonly opens: HandoffKind }
  | { readonly kind: 'lifecycle'; readonly step: Step }
  | { readonly kind: 'step-event' };

/** One message type, declared once. */
export interface MessageDeclaration {
  /**
   * The frozen wire name: the envelope's `type`, the BullMQ job name and the transport's pattern.
   * Never derived from a class name: renaming a class must not strand queued jobs.
   */
  readonly type: string;
  readonly queue: MessageQueue;
  /**
   * The payload class of each schema version. A new version is added beside the old one, so
   * messages already stored or queued under the old version stay readable.
   */
  readonly payloads: { readonly [CURRENT_SCHEMA_VERSION]: PayloadClass } & { readonly [version: number]: PayloadClass };
  readonly handling: MessageHandling;
}

/** Message types by the name code uses for them (`MessageType.Receipt`). */
export type MessageRegistry = { readonly [name: string]: MessageDeclaration };

/** The payload classes by version of type `T`. */
type PayloadsOf<R extends MessageRegistry, T extends MessageTypeIn<R>> = { [K in keyof R as R[K]['type']]: R[K]['payloads'] }[T];
type InstanceOf<C> = C extends { new (): infer I extends object } ? I : never;
/** The wire names of a registry's message types. */
export type MessageTypeIn<R extends MessageRegistry> = R[keyof R]['type'];
/** The payload producers write for type `T` (its current version's class). */
export type CurrentPayloadIn<R extends MessageRegistry, T extends MessageTypeIn<R>> = PayloadsOf<R, T> extends { readonly [CURRENT_SCHEMA_VERSION]: infer C } ? InstanceOf<C> : never;
/** A payload of type `T` in any version a consumer still accepts. */
export type AnyVersionPayloadIn<R extends MessageRegistry, T extends MessageTypeIn<R>> = InstanceOf<PayloadsOf<R, T>[keyof PayloadsOf<R, T>]>;
/** The types that travel on queue `Q`. */
export type MessageTypeOnQueue<R extends MessageRegistry, Q extends MessageQueue> = Extract<R[keyof R], { readonly queue: Q }>['type'];
/** The type that opens handoffs of kind `K`. */
export type OpeningTypeIn<R extends MessageRegistry, K extends HandoffKind> = Extract<R[keyof R], { readonly handling: { readonly opens: K } }>['type'];

/** How a message's queue is named: the recipient's inbox, or the one scheduler queue. */
const QUEUE_NAME: Record<MessageQueue, (to: UnitCode) => string> = {
  inbox: inboxQueueName,
  scheduler: () => SCHEDULER_QUEUE,
};

/**
 * Everything the bus derives from a message registry: the job names, the union of envelopes'
 * types, the queue each message travels on, the schemas its payload is validated against and
 * documented by. Built from any registry, so a test can show that one more entry is all a new
 * message type needs.
 */
export class MessageCatalog<const R extends MessageRegistry> {
  private readonly byType: ReadonlyMap<string, MessageDeclaration>;

  constructor(readonly registry: R) {
    const declarations: readonly MessageDeclaration[] = Object.values(registry);
    this.byType = new Map(declarations.map((declaration) => [declaration.type, declaration]));
    if (this.byType.size !== declarations.length) throw new Error('two message types share a wire name: each job name must name one type');
  }

  /** `MessageType.Receipt` → 'handoff.receipt': the code's names for the wire names. */
  names(): { readonly [K in keyof R]: R[K]['type'] } {
    const names: Partial<Record<keyof R, string>> = {};
    for (const key of Object.keys(this.registry) as (keyof R)[]) names[key] = this.registry[key].type;
    return names as { readonly [K in keyof R]: R[K]['type'] };
  }

  /** Every wire name, in the registry's order. */
  types(): readonly MessageTypeIn<R>[] {
    return [...this.byType.keys()] as MessageTypeIn<R>[];
  }

  /** The types carried by queue `queue`, in the registry's order: the job names its consumer must handle. */
  typesOn<Q extends MessageQueue>(queue: Q): readonly MessageTypeOnQueue<R, Q>[] {
    return [...this.byType.values()].filter((declaration) => declaration.queue === queue).map((declaration) => declaration.type);
  }

  /** The type opening each kind of handoff; refuses a registry where a kind has none or two. */
  openingMessages<const K extends HandoffKind>(kinds: readonly K[]): { readonly [Kind in K]: OpeningTypeIn<R, Kind> } {
    const opening: Partial<Record<HandoffKind, string>> = {};
    for (const kind of kinds) {
      const openers = [...this.byType.values()].filter(({ handling }) => handling.kind === 'opening' && handling.opens === kind);
      if (openers.length !== 1) throw new Error(`handoffs of kind ${kind} need exactly one opening message type, not ${openers.length}`);
      opening[kind] = openers[0].type;
    }
    return opening as { readonly [Kind in K]: OpeningTypeIn<R, Kind> };
  }

  /** How receiving a message of this type is handled. */
  handlingOf(type: MessageTypeIn<R>): MessageHandling {
    return this.declarationOf(type).handling;
  }

  /** The schema versions a type is accepted in, ascending. */
  schemaVersionsOf(type: MessageTypeIn<R>): number[] {
    return Object.keys(this.byType.get(type)?.payloads ?? {}).map(Number).sort((a, b) => a - b);
  }

  /** Every schema version some type is accepted in, ascending. */
  schemaVersions(): number[] {
    return [...new Set(this.types().flatMap((type) => this.schemaVersionsOf(type)))].sort((a, b) => a - b);
  }

  /** Validates a stored payload where it is consumed, against the class of its type and version. */
  validatePayload<T extends MessageTypeIn<R>>(type: T, schemaVersion: number, payload: unknown): Validated<AnyVersionPayloadIn<R, T>> {
    const schema = this.byType.get(type)?.payloads[schemaVersion];
    if (!schema) {
      return { ok: false, problems: [{ field: 'schemaVersion', message: `no schema ${schemaVersion} for ${type}` }] };
    }
    return validatePlain(schema, payload) as Validated<AnyVersionPayloadIn<R, T>>;
  }

  /** The queue a message travels on: step events to the scheduler, the others to the recipient's inbox. */
  queueOf(envelope: { type: MessageTypeIn<R>; to: UnitCode }): string {
    return QUEUE_NAME[this.declarationOf(envelope.type).queue](envelope.to);
  }

  /**
   * The names of the payload schemas of the types on `queue`, every version: what the OpenAPI
   * documents list as an envelope's possible payloads (class-validator-jsonschema names each
   * schema after its class).
   */
  payloadSchemaNames(queue: MessageQueue): string[] {
    return [...this.byType.values()].filter((declaration) => declaration.queue === queue).flatMap(({ payloads }) => Object.values(payloads).map((schema) => schema.name));
  }

  private declarationOf(type: string): MessageDeclaration {
    const declaration = this.byType.get(type);
    if (!declaration) throw new Error(`${type} is not a message type of the registry`);
    return declaration;
  }
}
