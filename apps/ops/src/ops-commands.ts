import { UNIT_CODES, allBusQueueNames, type UnitCode, type BusJobData, DELIVER_TO_UNIT_SYSTEM, deliveryQueueName, isUnitCode, queueRoleOf } from '#contracts';
import {
  alertSource,
  deliveryJobId,
  deliverySource,
  OutboxRelay,
  outboxSource,
  QueueClient,
  type QueueDriver,
  Reconciler,
  type ReconcileReport,
} from '#bus';
import { UnitScope, type DeadLetterRow, type MessageKind, OfficeScope, OperationsQueries } from '#persistence';
import { type OpsArguments, parseDuration, UsageError } from './ops-arguments.js';
import { orphanReport } from './orphan-report.js';

/** Jobs read per queue at most by `orphans` (completed jobs are kept up to 50 000 per queue). */
const ORPHAN_SCAN_LIMIT = 100_000;

/** How the commands print: lines for a person, or one JSON document for a script. */
export type Print = (line: string) => void;

/**
 * The operator's commands. Each reads PostgreSQL, the lasting record; those that
 * change something (replay, reconcile) say what they would do with --dry-run and do nothing.
 */
export class OpsCommands {
  constructor(
    private readonly operations: OperationsQueries,
    private readonly units: UnitScope,
    private readonly office: OfficeScope,
    private readonly driver: () => Promise<QueueDriver>,
    private readonly print: Print,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(args: OpsArguments): Promise<void> {
    switch (args.command) {
      case 'stuck':
        return this.stuck(args);
      case 'dead-letters':
        return this.deadLetters(args);
      case 'replay':
        return this.replay(args);
      case 'reconcile':
        return this.reconcile(args);
      case 'history':
        return this.history(args);
      case 'orphans':
        return this.orphans(args);
      default:
        throw new UsageError(`unknown command ${args.command}`);
    }
  }

  private async stuck(args: OpsArguments): Promise<void> {
    const olderThan = new Date(this.now().getTime() - parseDuration(text(args, 'older-than') ?? '5m'));
    const kind = text(args, 'kind') as MessageKind | undefined;
    if (kind && !['message', 'step-event', 'delivery', 'alert'].includes(kind)) throw new UsageError(`--kind: message, step-event, delivery or alert`);
    const rows = await this.operations.stuck(olderThan, { owner: text(args, 'unit'), kind, limit: 1_000 });
    if (args.flags.has('json')) return this.print(JSON.stringify(rows));
    this.print(`${rows.length} not done since before ${olderThan.toISOString()}`);
    for (const row of rows) {
      const next = row.nextAttemptAt ? ` next attempt ${row.nextAttemptAt.toISOString()}` : '';
      this.print(`${row.kind}\t${row.id}\t${row.owner}\t${row.type}\t${row.status} since ${row.since.toISOString()}${next}${row.reason ? `\t${row.reason}` : ''}`);
    }
  }

  private async deadLetters(args: OpsArguments): Promise<void> {
    const rows = await this.listDeadLetters(args);
    if (args.flags.has('json')) return this.print(JSON.stringify(rows));
    this.print(`${rows.length} dead letters${args.flags.has('include-replayed') ? '' : ' not replayed'}`);
    for (const row of rows) {
      const replayed = row.replayedAt ? `\treplayed ${row.replays}× (last ${row.replayedAt.toISOString()})` : '';
      this.print(`${row.id}\t${row.failedAt.toISOString()}\t${row.agency}\t${row.type}\tmessage ${row.messageId ?? '-'}\t${row.attempts} attempts\t${row.reason}${replayed}`);
    }
  }

  private async replay(args: OpsArguments): Promise<void> {
    const [id] = args.positional;
    let rows: DeadLetterRow[];
    if (id) {
      const row = await this.operations.deadLetter(id);
      if (!row) throw new UsageError(`no dead letter ${id}`);
      rows = [row];
    } else if (args.flags.has('all') || text(args, 'unit') || text(args, 'type')) {
      rows = await this.listDeadLetters(args);
    } else {
      throw new UsageError('replay needs a dead letter id, --all, or a filter (--unit, --type)');
    }
    const dryRun = args.flags.has('dry-run');
    // The queues are opened before any dead letter is reopened: a queue that cannot be reached stops
    // the command with nothing marked replayed.
    const queues = dryRun ? null : new QueueClient(await this.driver());
    const relays = new Set<string>();
    let replayed = 0;
    for (const row of rows) {
      if (!row.messageId) {
        this.print(`${row.id}\tskipped: the job names no message`);
        continue;
      }
      if (dryRun) {
        this.print(`${row.id}\twould replay ${row.type} message ${row.messageId} (${row.agency}, ${row.queue})`);
        continue;
      }
      const { reopened, delivery } = await this.operations.reopen(row, this.now());
      if (delivery && isUnitCode(delivery.agency) && queues) {
        await queues.publish({
          queue: deliveryQueueName(delivery.agency),
          name: DELIVER_TO_UNIT_SYSTEM,
          id: deliveryJobId(delivery.messageId, delivery.publications),
          data: { agency: delivery.agency, messageId: delivery.messageId },
          priority: delivery.priority,
        });
      } else if (reopened > 0) {
        relays.add(senderOf(row));
      }
      replayed += reopened > 0 ? 1 : 0;
      this.print(`${row.id}\t${reopened > 0 ? 'replayed' : 'marked replayed (its message was done already)'} ${row.type} message ${row.messageId}`);
    }
    await this.drainRelays(relays);
    this.print(dryRun ? `dry run: ${rows.length} dead letters would be replayed` : `${replayed} of ${rows.length} dead letters replayed`);
  }

  private async reconcile(args: OpsArguments): Promise<void> {
    const given = text(args, 'unit');
    if (given !== undefined && !isUnitCode(given)) throw new UsageError(`--unit: one of ${UNIT_CODES.join(', ')}`);
    const unit: UnitCode | undefined = given;
    const dryRun = args.flags.has('dry-run');
    const driver = await this.driver();
    const owners: (UnitCode | 'scheduler')[] = unit ? [unit] : args.flags.has('scheduler') ? ['scheduler'] : [...UNIT_CODES, 'scheduler'];
    const results: { owner: string; reports: ReconcileReport[] }[] = [];
    for (const owner of owners) {
      const sources =
        owner === 'scheduler'
          ? [alertSource(this.office.alerts)]
          : [outboxSource(this.units.for(owner).outbox), deliverySource(owner, this.units.for(owner).inbox, driver)];
      // No grace: an operator asks "now"; a job that is live is left alone whatever its age.
      const reports = await new Reconciler(driver, sources, { graceMs: 0, batchSize: 10_000 }).run({ dryRun });
      results.push({ owner, reports });
      if (!dryRun && reports.some((report) => report.source !== 'deliveries' && report.orphaned.length > 0)) await this.drainRelays(new Set([owner]));
    }
    if (args.flags.has('json')) return this.print(JSON.stringify(results.map(({ owner, reports }) => ({ owner, reports: reports.map((r) => ({ source: r.source, checked: r.checked, orphaned: r.orphaned.map((o) => o.id) })) }))));
    let total = 0;
    for (const { owner, reports } of results) {
      for (const report of reports) {
        total += report.orphaned.length;
        if (report.checked > 0) this.print(`${owner}\t${report.source}\t${report.checked} not done\t${report.orphaned.length} without a live job${report.orphaned.length > 0 ? (dryRun ? ' (would be queued again)' : ' queued again') : ''}`);
      }
    }
    this.print(`${dryRun ? 'dry run: ' : ''}${total} queued again`);
  }

  private async history(args: OpsArguments): Promise<void> {
    const [id] = args.positional;
    if (!id) throw new UsageError('history needs a message (or alert) id');
    const events = await this.operations.history(id);
    const states = await this.operations.states(id);
    if (args.flags.has('json')) return this.print(JSON.stringify({ states, events }));
    if (events.length === 0 && states.length === 0) throw new UsageError(`no message or alert ${id}`);
    for (const state of states) this.print(`state\t${state.kind}\t${state.status} since ${state.since.toISOString()}\t(${state.owner}'s turn)${state.reason ? `\t${state.reason}` : ''}`);
    for (const event of events) this.print(`${event.at.toISOString()}\t${event.who}\t${event.what}`);
  }

  /**
   * After PostgreSQL was restored to an earlier point: the messages the queues still name and the
   * database no longer has (accepted after that point), and per sender the handoffs to send again.
   * Reads only; what it cannot see (a message never queued, or whose jobs outlived their retention)
   * the senders learn from their Idempotency-Keys (docs/operations.md, "Backup and restore").
   */
  private async orphans(args: OpsArguments): Promise<void> {
    const driver = await this.driver();
    const jobs = [];
    for (const queue of allBusQueueNames(UNIT_CODES)) jobs.push(...(await driver.list(queue, ORPHAN_SCAN_LIMIT)));
    const deadLetters = await this.operations.deadLettersOfUnknownMessages(10_000);
    const named = [...jobs.map((job) => job.data.messageId ?? job.data.alertId), ...deadLetters.map((row) => row.messageId)];
    const unknown = await this.operations.unknownIds(named.filter((id): id is string => typeof id === 'string'));
    const report = orphanReport(jobs, deadLetters, unknown);
    if (args.flags.has('json')) return this.print(JSON.stringify(report));
    this.print(`${report.orphans.length} messages or alerts named in the queues (${jobs.length} jobs read) are not in the database`);
    for (const orphan of report.orphans) {
      const route = orphan.kind === 'alert' ? 'alert' : `${orphan.type ?? '?'}\t${orphan.from ?? '?'} → ${orphan.to ?? '?'}\thandoff ${orphan.handoffId ?? '?'}`;
      this.print(`${orphan.id}\t${route}\tfirst queued ${orphan.firstQueuedAt.toISOString()}`);
      for (const trace of orphan.traces) this.print(`\t${trace.queue}\t${trace.state}\t${trace.meaning}`);
    }
    const senders = Object.entries(report.toResend);
    if (senders.length > 0) this.print('To send again (each sender, with the same Idempotency-Key as the first time):');
    for (const [sender, handoffs] of senders) this.print(`${sender}\t${handoffs.length} handoffs\t${handoffs.join(' ')}`);
  }

  private listDeadLetters(args: OpsArguments): Promise<DeadLetterRow[]> {
    const olderThan = text(args, 'older-than');
    return this.operations.deadLetters({
      agency: text(args, 'unit'),
      type: text(args, 'type'),
      failedBefore: olderThan ? new Date(this.now().getTime() - parseDuration(olderThan)) : undefined,
      includeReplayed: args.flags.has('include-replayed'),
      limit: 10_000,
    });
  }

  /** Publishes what was put back in an outbox now, rather than waiting for the owner's relay (leases keep both safe). */
  private async drainRelays(owners: ReadonlySet<string>): Promise<void> {
    if (owners.size === 0) return;
    const driver = await this.driver();
    for (const owner of owners) {
      const store = owner === 'scheduler' ? this.office.alerts : isUnitCode(owner) ? this.units.for(owner).outbox : null;
      if (!store) continue;
      const relay = new OutboxRelay(store, driver, { owner: `ops ${owner}`, pollMs: 1_000 });
      while ((await relay.publishBatch(500)) > 0);
    }
  }
}

function text(args: OpsArguments, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Whose outbox a dead letter's message sits in: the sending unit's, or the office's for an alert. */
function senderOf(row: DeadLetterRow): string {
  if (queueRoleOf(row.queue) === 'alerts') return 'scheduler';
  const data = row.data as Partial<BusJobData> | null;
  return typeof data?.from === 'string' ? data.from : '';
}

