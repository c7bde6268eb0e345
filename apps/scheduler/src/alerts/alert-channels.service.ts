import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { readRecipients, type Recipient } from '#deadlines';
import { BusMetrics } from '#observability';
import { type Alert, type AlertSendingOutcome, OfficeScope } from '#persistence';
import { activeCryptoSuite } from '#security';
import { type ConsumeOutcome, GroupCommit, PermanentMessageError, SIGNATURE_HEADER, signWebhook } from '#bus';

/**
 * Alerts sent at once (the office-alerts queue's concurrency): the sends overlap their HTTP round
 * trips, and their stamps are written together, one statement for those that finish together.
 */
export const ALERT_SEND_CONCURRENCY = 8;

/**
 * Sends one alert through the office's channels: a signed webhook POST to the office system for
 * what concerns the office, and e-mail to every recipient with an address when SMTP is set. Each
 * channel that worked is stamped before the job ends, so a retry after a failure sends only what is
 * missing; the stamps of alerts sent together are written in one statement (a group commit: the job
 * completes only once its stamp is written). A process that dies between a channel's answer and the
 * stamp sends that channel again on the retry: the office's system tells it by `x-bus-alert-id`.
 */
@Injectable()
export class AlertChannels implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertChannels.name);
  private readonly mailer: Transporter | null;
  private readonly stamps: GroupCommit<AlertSendingOutcome>;

  constructor(
    private readonly office: OfficeScope,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: BusMetrics,
  ) {
    this.mailer = settings.mail ? nodemailer.createTransport(settings.mail.smtpUrl) : null;
    this.stamps = new GroupCommit<AlertSendingOutcome>(
      (outcomes) => office.alerts.recordSending(outcomes),
      (outcome) => office.alerts.recordSending([outcome]),
      { maxBatch: ALERT_SEND_CONCURRENCY * 4, windowMs: 0 },
    );
    if (settings.officeWebhook) metrics.declareDeliveryChannel('office-webhook');
    if (settings.mail) metrics.declareDeliveryChannel('email');
    if (!settings.officeWebhook && !settings.mail) {
      this.logger.warn(
        'neither OFFICE_WEBHOOK_URL nor SMTP_URL is set: no alert can reach anyone; each is kept undelivered as a dead letter (npm run ops -- dead-letters --unit scheduler) until a channel is set and it is replayed',
      );
    }
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }

  async send(alertId: string): Promise<ConsumeOutcome> {
    const alert = await this.office.alerts.forSending(alertId);
    if (!alert) throw new PermanentMessageError(`alert ${alertId} is not in the database`);
    const recipients = readRecipients(alert.recipients);
    // Each channel on its own: an office system that is down must not keep the liaison's e-mail back.
    const failures: string[] = [];
    const stamped: AlertSendingOutcome = { id: alert.id };
    let sent = false;
    const attempt = async (channel: 'webhook' | 'e-mail', send: () => Promise<void>) => {
      const counted = channel === 'webhook' ? 'office-webhook' : 'email';
      try {
        await send();
        sent = true;
        stamped[channel === 'webhook' ? 'webhookAt' : 'emailAt'] = this.clock.now();
        this.metrics.deliveryAttempt(counted, 'delivered');
      } catch (error) {
        this.metrics.deliveryAttempt(counted, 'failed');
        failures.push(`${channel}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (this.settings.officeWebhook && !alert.webhookDeliveredAt && recipients.some((r) => r.role === 'office')) {
      const webhook = this.settings.officeWebhook;
      await attempt('webhook', () => this.postToOffice(alert, webhook));
    }
    const officeEmail = this.settings.mail?.officeEmail ?? null;
    const emails = recipients.map((r) => (r.role === 'office' ? officeEmail : r.email));
    const addresses = [...new Set(emails.filter((email): email is string => Boolean(email)))];
    if (this.mailer && this.settings.mail && !alert.emailSentAt && addresses.length > 0) {
      const mailer = this.mailer;
      const from = this.settings.mail.from;
      await attempt('e-mail', async () => {
        await mailer.sendMail({
          from,
          to: addresses,
          subject: alert.summary.slice(0, alert.summary.indexOf('】') + 1) + `司法救助衔接 ${alert.level}`,
          text: `${alert.summary}\n\n告警编号 ${alert.dedupeKey}`,
          headers: { 'X-Bus-Alert-Id': alert.id },
        });
      });
    }
    // Retried with backoff; the channel that worked is stamped and not sent again.
    if (failures.length > 0) {
      if (sent) await this.stamps.submit(stamped);
      throw new Error(`alert ${alert.dedupeKey} not sent on ${failures.join('; ')}`);
    }
    const reachedBefore = alert.webhookDeliveredAt !== null || alert.emailSentAt !== null;
    // An office notice is also the unit's copy, read through its adapter or the console (第二十二条):
    // the e-mail is a courtesy. Any other alert that no channel reaches is not delivered: it stays
    // undelivered, a dead letter (listed by ops, counted by the dead-letter alarm) to replay once a
    // channel or an address is set.
    if (!sent && !reachedBefore && alert.kind !== 'office-notice') {
      throw new PermanentMessageError(`alert ${alert.dedupeKey} has nowhere to go: ${this.whyNowhere(recipients, addresses.length)}`);
    }
    // Done: the reconciler stops watching it (an alert published and never done is queued again).
    await this.stamps.submit({ ...stamped, deliveredAt: this.clock.now() });
    this.logger.log(`alert ${alert.dedupeKey} ${sent ? 'sent' : reachedBefore ? 'had nothing left to send' : 'held as a notice by its unit'}`);
    return sent ? 'processed' : 'duplicate';
  }

  private whyNowhere(recipients: readonly Recipient[], addresses: number): string {
    if (!this.settings.officeWebhook && !this.settings.mail) return 'neither OFFICE_WEBHOOK_URL nor SMTP_URL is set';
    const office = recipients.some((r) => r.role === 'office');
    const webhook = office && this.settings.officeWebhook ? '' : office ? 'OFFICE_WEBHOOK_URL is not set' : 'it has no office recipient';
    const mail = !this.settings.mail ? 'SMTP_URL is not set' : addresses === 0 ? 'no recipient has an e-mail address' : '';
    return [webhook, mail].filter(Boolean).join(' and ');
  }

  private async postToOffice(alert: Alert, webhook: { url: string; secret: string }): Promise<void> {
    const body = JSON.stringify({
      id: alert.id,
      key: alert.dedupeKey,
      kind: alert.kind,
      level: alert.level,
      agency: alert.agency,
      handoffId: alert.handoffId,
      recipients: alert.recipients,
      summary: alert.summary,
      createdAt: alert.createdAt.toISOString(),
    });
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bus-alert-id': alert.id,
        // Wall-clock time, not the business clock: the receiver checks freshness against its own clock.
        [SIGNATURE_HEADER]: signWebhook(webhook.secret, body, Math.floor(Date.now() / 1000), activeCryptoSuite().mac),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`office webhook answered HTTP ${response.status}`);
  }
}
