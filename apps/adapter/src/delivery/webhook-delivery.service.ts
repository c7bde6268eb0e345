import { Inject, Injectable, Logger } from '@nestjs/common';
import { unitSystemBody } from '#agencies';
import type { DeliveryJobData } from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { BusMetrics } from '#observability';
import { type ConsumeOutcome, type JobContext, PermanentMessageError, SIGNATURE_HEADER, signWebhook } from '#bus';
import { AgencyContext } from '../api/agency.context.js';

/**
 * POSTs an inbox entry to the unit's own system, in the unit's field names, signed with its
 * secret. A non-2xx answer or a network error throws, so the queue retries with backoff; the last
 * attempt marks the entry failed and dead-letters the job. Pull-mode entries are never queued here.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly agency: AgencyContext,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: BusMetrics,
  ) {
    if (settings.delivery.mode === 'webhook') metrics.declareDeliveryChannel('unit-webhook');
  }

  async deliver(data: DeliveryJobData, context: JobContext): Promise<ConsumeOutcome> {
    const { agency, delivery } = this.settings;
    if (data.agency !== agency || delivery.mode !== 'webhook') {
      throw new PermanentMessageError(`delivery job for ${data.agency} reached ${agency} (${delivery.mode})`);
    }
    const { inbox, messages } = this.agency.store;
    const entry = await inbox.find(data.messageId);
    if (!entry) throw new PermanentMessageError(`no inbox entry ${data.messageId}`);
    if (entry.deliveryStatus === 'delivered') return 'duplicate';
    const envelope = await messages.findVisible(data.messageId);
    if (!envelope) throw new PermanentMessageError(`message ${data.messageId} is not in the database`);

    const body = JSON.stringify(unitSystemBody(agency, envelope));
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let failure: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-bus-message-id': envelope.id,
          'x-bus-message-type': envelope.type,
          [SIGNATURE_HEADER]: signWebhook(delivery.secret, body, timestamp),
        },
        body,
        signal: AbortSignal.timeout(this.settings.deliveryTimeoutMs),
      });
      if (!response.ok) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    await inbox.recordDeliveryAttempt(data.messageId, failure, context.isLastAttempt, this.clock.now());
    this.metrics.deliveryAttempt('unit-webhook', failure ? 'failed' : 'delivered');
    const ids = { messageId: envelope.id, handoffId: envelope.handoffId, attempt: context.attempt };
    if (failure) {
      this.logger.warn({ msg: `webhook delivery failed message=${envelope.id} handoff=${envelope.handoffId} attempt=${ids.attempt}: ${failure}`, ...ids });
      throw new Error(`webhook delivery of ${envelope.id} failed: ${failure}`);
    }
    // The person's data left the bus for the unit's system: the evidence log has it (issue 9 part 5).
    await this.agency.store.audit.append([
      { actor: `${agency} adapter`, agency, handoffId: envelope.handoffId, action: 'person-data.delivered', reason: `webhook to ${agency}'s system (message ${envelope.id})` },
    ]);
    this.logger.debug({ msg: `delivered ${envelope.type} message=${envelope.id} handoff=${envelope.handoffId} to ${agency}'s system`, ...ids });
    return 'processed';
  }
}
