import { randomUUID } from 'node:crypto';
import type { AdapterProcess } from '../../support/adapter-process.js';
import { judicialReferral } from '../../support/factories.js';

/** One handoff the sender's API accepted (2xx): what must reach the recipient's system. */
export interface AcceptedHandoff {
  handoffId: string;
  messageId: string;
  to: string;
}

/** One request the sender's API accepted, as the sender keeps it: what it would send again. */
export interface AcceptedRequest {
  idempotencyKey: string;
  body: unknown;
  handoffs: AcceptedHandoff[];
  acceptedAt: Date;
}

export interface LoadOptions {
  /** referrals to send; each names every recipient, so it opens one handoff per recipient */
  requests: number;
  recipients: string[];
  concurrency?: number;
  /** give up on a request refused this long (it then counts as refused, not accepted) */
  giveUpAfterMs?: number;
}

/**
 * The load generator: a burst of judicial referrals over HTTP, each with its own Idempotency-Key.
 * Only a 2xx is "accepted". A 503 (with Retry-After), a 5xx, a timeout or a refused connection is
 * tried again later with the same key, so a request the sender committed before it died is
 * answered from its idempotency record instead of opening a second handoff.
 */
export class LoadGenerator {
  readonly accepted: AcceptedHandoff[] = [];
  /** the accepted requests, with their Idempotency-Key and body */
  readonly requests: AcceptedRequest[] = [];
  acceptedRequests = 0;
  /** answers that were not 2xx, by status ("network" for no answer at all) */
  readonly refusals = new Map<string, number>();
  /** requests given up (never accepted) */
  abandoned = 0;
  /** 503 answers that carried Retry-After */
  retryAfterSeen = 0;
  private started = 0;
  /** every request has been accepted or given up */
  finished = false;

  constructor(
    /** the sender's adapter as it is now (a process restarted, or a container's published port) */
    private readonly sender: () => Pick<AdapterProcess, 'baseUrl' | 'apiKey'>,
    private readonly options: LoadOptions,
  ) {}

  /** How many requests have been answered 2xx so far (for "mid-burst" triggers). */
  get progress(): number {
    return this.acceptedRequests;
  }

  /** Sends the whole burst; resolves when every request is accepted or given up. */
  async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 8;
    const workers = Array.from({ length: concurrency }, async () => {
      while (this.started < this.options.requests) {
        this.started++;
        await this.send();
      }
    });
    await Promise.all(workers);
    this.finished = true;
  }

  private refused(why: string): void {
    this.refusals.set(why, (this.refusals.get(why) ?? 0) + 1);
  }

  private async send(): Promise<void> {
    const key = `fault-${randomUUID()}`;
    const body = judicialReferral(this.options.recipients, { priorityGroups: [] });
    const giveUpAt = Date.now() + (this.options.giveUpAfterMs ?? 10 * 60_000);
    let backoff = 200;
    for (;;) {
      let wait = backoff;
      try {
        const sender = this.sender();
        const response = await fetch(`${sender.baseUrl}/handoffs/judicial-referrals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sender.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(90_000),
        });
        const text = await response.text();
        if (response.ok) {
          const opened = JSON.parse(text) as { handoffs: { id: string; messageId: string; to: string }[] };
          const handoffs = opened.handoffs.map((handoff) => ({ handoffId: handoff.id, messageId: handoff.messageId, to: handoff.to }));
          this.accepted.push(...handoffs);
          this.requests.push({ idempotencyKey: key, body, handoffs, acceptedAt: new Date() });
          this.acceptedRequests++;
          return;
        }
        this.refused(String(response.status));
        if (response.status < 500 && response.status !== 429) throw new Error(`refused ${response.status}: ${text}`);
        const retryAfter = response.headers.get('retry-after');
        if (response.status === 503 && retryAfter) {
          this.retryAfterSeen++;
          wait = Math.max(wait, Math.min(Number(retryAfter) * 1_000 || backoff, 10_000));
        }
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('refused ')) throw error;
        this.refused('network');
      }
      if (Date.now() + wait > giveUpAt) {
        this.abandoned++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      backoff = Math.min(backoff * 2, 5_000);
    }
  }
}
