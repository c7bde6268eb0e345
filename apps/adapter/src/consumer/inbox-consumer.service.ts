import { Inject, Injectable } from '@nestjs/common';
import {
  type AnyEnvelope,
  type BusJobData,
  DELIVER_TO_UNIT_SYSTEM,
  deliveryQueueName,
  type Priority,
} from '#contracts';
import { checkReceivedPayload, kindOfOpening } from '#units';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { applyInboxMessage, NotAPartyError } from '#handoffs';
import { type ConsumeOutcome, deliveryJobId, GroupCommit, type GroupCommitOptions, OutboxRelay, PermanentMessageError, QueueClient } from '#bus';
import type { UnitStore } from '#persistence';
import { UnitContext } from '../api/unit.context.js';
import { MessageAuthenticity } from './message-authenticity.service.js';

/** Inbox messages per transaction at most (group commit, as the scheduler's step events). */
export const INBOX_BATCH = 16;
/** The inbox worker's concurrency: jobs waiting on one batch's commit, and those forming the next. */
export const INBOX_CONCURRENCY = 2 * INBOX_BATCH;
/** How the inbox consumer forms batches; a provider, so a test can widen the window and batch deterministically. */
export const INBOX_GROUP_COMMIT = Symbol('INBOX_GROUP_COMMIT');
/**
 * Up to INBOX_BATCH messages, with no wait for company: the messages that arrive while a batch's
 * transaction runs form the next batch, so a backlog is still written in batches, while a message
 * arriving alone is written at once (a 2 ms window added 2–3 ms to every message on the way to
 * the webhook, the latency target).
 */
export const DEFAULT_INBOX_GROUP_COMMIT: GroupCommitOptions = { maxBatch: INBOX_BATCH, windowMs: 0 };

/** A job to record, with its message as the authenticity check read and verified it (null: not in the database). */
interface Arrival {
  job: BusJobData;
  envelope: AnyEnvelope | null;
}

/** What receiving one message came to, once its transaction committed. */
type Received = { outcome: 'duplicate' } | { outcome: 'processed'; priority: Priority };

/**
 * Takes messages addressed to this unit off its inbox queue. Idempotent on message id: the inbox
 * row, the step it records and the answer it writes commit together, so a redelivered job finds
 * the row and changes nothing.
 *
 * Jobs taken concurrently are written in one transaction (group commit): one insert of
 * the inbox rows, one confirmation of the senders' outbox rows, one append to the evidence log,
 * one insert of the answers and one commit for up to INBOX_BATCH messages. A batch that fails is
 * written again one message per transaction, so a poison message fails only its own job.
 */
@Injectable()
export class InboxConsumerService {
  private readonly batches: GroupCommit<Arrival, Received>;

  constructor(
    private readonly agency: UnitContext,
    private readonly relay: OutboxRelay,
    private readonly queues: QueueClient,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly authenticity: MessageAuthenticity,
    @Inject(INBOX_GROUP_COMMIT) batching: GroupCommitOptions,
  ) {
    this.batches = new GroupCommit<Arrival, Received>(
      (arrivals) => this.agency.store.transaction((store) => this.receiveAll(store, arrivals)),
      (arrival) => this.agency.store.transaction(async (store) => (await this.receiveAll(store, [arrival]))[0]),
      batching,
    );
  }

  /** Receives one message (InboxJobsController is its queue handler). */
  async consume(job: BusJobData): Promise<ConsumeOutcome> {
    const agency = this.agency.code;
    if (job.to !== agency) throw new PermanentMessageError(`message ${job.messageId} for ${job.to} reached ${agency}'s inbox`);
    // Signed by its sender, matching its job, or refused before anything is recorded
    const envelope = await this.authenticity.verify(job);
    const result = await this.batches.submit({ job, envelope }); // resolves once the batch holding the message has committed
    if (result.outcome === 'processed') {
      // The delivery first: it is on the way to the unit's system (a message's latency), the relay's
      // receipt and step event are not. The relay runs after the commit, so it sees what the batch wrote.
      try {
        if (this.settings.delivery.mode === 'webhook') await this.enqueueDelivery(job.messageId, result.priority);
      } finally {
        this.relay.kick();
      }
    }
    // A duplicate whose first run died between its commit and queueing the delivery is left to the
    // reconciler, which queues the delivery under a new job id once it finds no live job.
    return result.outcome;
  }

  /**
   * Receives messages in the caller's transaction and returns each job's result in the jobs' order.
   * A message twice among the jobs (a republication batched with its first copy) is received once:
   * the later copy is a duplicate, as it would be in a transaction of its own.
   */
  private async receiveAll(store: UnitStore, arrivals: readonly Arrival[]): Promise<Received[]> {
    const agency = this.agency.code;
    const jobs = arrivals.map((arrival) => arrival.job);
    const fresh = await store.inbox.claimAll(
      jobs.map((job) => ({
        messageId: job.messageId,
        handoffId: job.handoffId,
        type: job.type,
        deliveryStatus: this.settings.delivery.mode === 'webhook' ? ('pending' as const) : ('pull' as const),
      })),
    );
    // A duplicate confirms too: a republication whose first job succeeded must leave the message
    // consumed, or the reconciler would find it unconsumed again and again.
    await store.outbox.confirmReceivedAll(
      jobs.map((job) => job.messageId),
      this.clock.now(),
    );
    const envelopes = new Map(arrivals.map(({ job, envelope }) => [job.messageId, envelope]));
    // Each handoff is locked in handoff-id order (two replicas' batches lock in the same order); a
    // stable sort keeps the arrival order of messages of one handoff.
    const firstOfEach = [...new Map(jobs.map((job) => [job.messageId, job])).values()].filter((job) => fresh.has(job.messageId));
    const received = new Map<string, Received>();
    const answers: AnyEnvelope[] = [];
    for (const job of [...firstOfEach].sort((a, b) => (a.handoffId < b.handoffId ? -1 : a.handoffId > b.handoffId ? 1 : 0))) {
      const envelope = envelopes.get(job.messageId);
      if (!envelope) throw new PermanentMessageError(`message ${job.messageId} is not in the database`);
      // Validated where consumed, not only where produced: the schema for what the
      // unit's projection carries, and nothing beyond it (第二十四条: a sender that did not project is refused).
      const checked = checkReceivedPayload(agency, envelope);
      if (!checked.ok) {
        const problems = checked.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
        throw new PermanentMessageError(`message ${envelope.id} (${envelope.type}) fails its schema: ${problems}`);
      }
      // Re-read under its lock for every message: an earlier message of the batch may have moved it on.
      const handoff = await store.handoffs.lockForUpdate(envelope.handoffId);
      let decision;
      try {
        decision = applyInboxMessage(handoff, agency, envelope, { now: this.clock.now(), newId: () => crypto.randomUUID() });
      } catch (error) {
        // MessageAuthenticity refuses such a message first; this is the domain's own guard, and a retry would not change it.
        if (error instanceof NotAPartyError) throw new PermanentMessageError(`message ${envelope.id} refused: ${error.message}`);
        throw error;
      }
      // Its steps now, so that a later message of the batch reads the handoff moved on; its messages below.
      await store.save({ steps: decision.steps, messages: [] });
      // 第二十四条: the recipient keeps its own copy of what it received, under its own key.
      if (kindOfOpening(envelope.type) && handoff.to === agency) await store.handoffs.keepReceivedCopy(handoff, envelope.payload);
      answers.push(...decision.messages); // no message is read back in the batch: written together below
      received.set(job.messageId, { outcome: 'processed', priority: envelope.priority });
    }
    await store.save({ steps: [], messages: answers });
    // Only the first job of a message takes its result; any other copy is a duplicate.
    const taken = new Set<string>();
    return jobs.map((job) => {
      const result = taken.has(job.messageId) ? undefined : received.get(job.messageId);
      taken.add(job.messageId);
      return result ?? { outcome: 'duplicate' };
    });
  }

  /** The first delivery job of a message (job id = message id; a reconciler's republication is <id>.r<n>). */
  private async enqueueDelivery(messageId: string, priority: Priority): Promise<void> {
    const agency = this.agency.code;
    await this.queues.publish({ queue: deliveryQueueName(agency), name: DELIVER_TO_UNIT_SYSTEM, id: deliveryJobId(messageId, 0), data: { agency, messageId }, priority });
  }
}
