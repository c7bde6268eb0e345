import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BusAdapterClient, BusApiError, busWebhookMiddleware, type VerifiedWebhook } from '#client';
import { OPENING_TYPES, type Received, readMessage } from './messages.js';
import type { Settings } from './settings.js';

/** Today in Beijing, YYYY-MM-DD: the dates of 第二十一条 are the unit's calendar days. */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * A unit's own system, reduced to what talks to the bus: it receives and verifies webhooks (or
 * pulls its inbox), records each message once, and reports the steps of 第二十一条 through the
 * bus's client. A real system would store the message and let a case worker take the steps.
 */
export class UnitSystem {
  private readonly client: BusAdapterClient<unknown>;
  /** Delivery is at least once: a message id already handled is ignored. Keep this in your database. */
  private readonly seen = new Set<string>();
  private server?: Server;
  private poller?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly settings: Settings) {
    this.client = new BusAdapterClient<unknown>({ baseUrl: settings.adapterUrl, apiKey: settings.apiKey });
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.settings.port;
  }

  async start(): Promise<void> {
    const verify = this.settings.webhookSecret ? busWebhookMiddleware(this.settings.webhookSecret) : undefined;
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ unit: this.settings.unit, handled: this.seen.size }));
        return;
      }
      if (req.method !== 'POST' || !verify) {
        res.writeHead(404).end();
        return;
      }
      // Any path: `npm run bus` points each unit's WEBHOOK_URL at /<unit>, the README at /webhook.
      verify(req, res, () => {
        const delivery = (req as { busWebhook?: VerifiedWebhook }).busWebhook;
        if (!delivery) return; // the verifier answered already
        this.log(`webhook ${delivery.type} ${delivery.messageId} signature ok`);
        // Answer first, work after: the bus waits DELIVERY_TIMEOUT_MS for the 2xx and retries otherwise.
        res.writeHead(204).end();
        void this.handle(readMessage(this.settings.unit, delivery.body));
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(this.settings.port, this.settings.host, resolve));
    this.log(`listening on http://${this.settings.host}:${this.port} (${this.settings.webhookSecret ? 'webhook delivery on POST /webhook' : `pulling the inbox every ${this.settings.pollMs} ms`})`);
    if (!this.settings.webhookSecret) this.schedulePull(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.poller);
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  private schedulePull(delayMs: number): void {
    if (this.stopped) return;
    this.poller = setTimeout(() => void this.pull().finally(() => this.schedulePull(this.settings.pollMs)), delayMs);
  }

  /** Pull delivery: read what is not yet acknowledged, handle each, acknowledge each. */
  async pull(): Promise<void> {
    try {
      const { items } = await this.client.listInbox({ limit: 50 });
      for (const item of items) {
        const message = readMessage(this.settings.unit, item.message);
        // One line per message taken, a repeat included: what a unit's system can count deliveries by.
        this.log(`pulled ${message.type} ${item.messageId}`);
        await this.handle(message);
        await this.client.acknowledge(item.messageId);
      }
    } catch (error) {
      this.log(`inbox pull failed: ${describe(error)}; trying again in ${this.settings.pollMs} ms`);
    }
  }

  private async handle(message: Received): Promise<void> {
    if (this.seen.has(message.messageId)) return;
    this.seen.add(message.messageId);
    this.log(`${message.type} for case ${message.caseRef} from ${message.from} (handoff ${message.handoffId})`);
    if (this.settings.autoReport && OPENING_TYPES.includes(message.type)) await this.reportSteps(message);
  }

  /**
   * The receiver's duties of 第二十一条, one call each. The client gives every call its own
   * Idempotency-Key and retries 503/429; a 409 means the step is already recorded (a repeat).
   */
  private async reportSteps(message: Received): Promise<void> {
    const today = beijingToday();
    const steps: [string, () => Promise<unknown>][] = [
      ['procedure-started', () => this.client.reportProcedureStarted(message.handoffId, { startedOn: today, note: '已受理，启动救助程序。' })],
      ['concluded', () => this.client.reportConcluded(message.handoffId, { concludedOn: today, outcome: 'assisted', measures: '纳入临时救助' })],
      ['feedback', () => this.client.giveFeedback(message.handoffId, { summary: '已按规定给予救助，特此反馈。' })],
    ];
    for (const [step, report] of steps) {
      try {
        // The receipt travels first: the adapter accepts steps once the handoff is received.
        await this.untilReceived(message.handoffId);
        await report();
        this.log(`reported ${step} on handoff ${message.handoffId}`);
      } catch (error) {
        if (error instanceof BusApiError && error.status === 409) continue;
        this.log(`could not report ${step} on handoff ${message.handoffId}: ${describe(error)}`);
        return;
      }
    }
  }

  private async untilReceived(handoffId: string): Promise<void> {
    for (let tries = 0; tries < 50; tries++) {
      const handoff = await this.client.getHandoff(handoffId);
      if (handoff.currentStep !== 'sent') return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private log(text: string): void {
    console.log(`[unit-system ${this.settings.unit}] ${text}`);
  }
}

function describe(error: unknown): string {
  return error instanceof BusApiError ? `${error.status} ${error.problem.message}` : error instanceof Error ? error.message : String(error);
}
