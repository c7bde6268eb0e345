import { randomUUID } from 'node:crypto';
import { deliveryQueueName, inboxQueueName, OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } from '#contracts';
import { InProcessQueueDriver, type ListedJob, DEFAULT_ALERT_RETRY, DEFAULT_DELIVERY_RETRY, DEFAULT_INBOX_RETRY } from '#bus';
import type { DeadLetterRow } from '#persistence';
import { orphanReport } from './orphan-report.js';

const referral = (messageId: string, handoffId: string) => ({
  messageId,
  type: 'handoff.judicial-referral' as const,
  schemaVersion: 1,
  handoffId,
  from: 'procuratorate' as const,
  to: 'civil-affairs' as const,
});

describe('orphanReport: what the queues name and the database no longer has', () => {
  const forgotten = randomUUID();
  const forgottenHandoff = randomUUID();
  const pending = randomUUID();
  const pendingHandoff = randomUUID();
  const kept = randomUUID();
  const alert = randomUUID();

  async function queues(): Promise<ListedJob[]> {
    const driver = new InProcessQueueDriver({ inbox: DEFAULT_INBOX_RETRY, scheduler: DEFAULT_INBOX_RETRY, delivery: DEFAULT_DELIVERY_RETRY, alerts: DEFAULT_ALERT_RETRY });
    const inbox = inboxQueueName('civil-affairs');
    const delivery = deliveryQueueName('civil-affairs');
    await driver.consume(inbox, 'inbox', Object.fromEntries(['handoff.judicial-referral', 'handoff.advance-referral', 'handoff.social-lead', 'handoff.urgent-medical-notice', 'handoff.receipt', 'handoff.procedure-started', 'handoff.concluded', 'handoff.feedback'].map((name) => [name, async () => 'processed' as const])) as never, { onDeadLetter: async () => undefined });
    await driver.consume(delivery, 'delivery', { 'unit-system.deliver': async () => 'processed' as const }, { onDeadLetter: async () => undefined });
    // One referral taken and delivered (both jobs completed), one still waiting, one the database has.
    await driver.publish({ queue: inbox, name: 'handoff.judicial-referral', id: forgotten, data: referral(forgotten, forgottenHandoff), priority: 'normal' });
    await driver.publish({ queue: delivery, name: 'unit-system.deliver', id: forgotten, data: { agency: 'civil-affairs', messageId: forgotten }, priority: 'normal' });
    await driver.publish({ queue: inbox, name: 'handoff.judicial-referral', id: kept, data: referral(kept, randomUUID()), priority: 'normal' });
    await driver.runUntilIdle();
    await driver.publish({ queue: inbox, name: 'handoff.judicial-referral', id: pending, data: referral(pending, pendingHandoff), priority: 'normal' });
    await driver.publish({ queue: SCHEDULER_QUEUE, name: 'handoff.step-recorded', id: randomUUID(), data: { ...referral(randomUUID(), forgottenHandoff), type: 'handoff.step-recorded', from: 'civil-affairs', to: 'civil-affairs' }, priority: 'normal' });
    await driver.publish({ queue: OFFICE_ALERTS_QUEUE, name: 'office.alert', id: 'alert-1', data: { alertId: alert }, priority: 'normal' });
    return (await Promise.all([inbox, delivery, SCHEDULER_QUEUE, OFFICE_ALERTS_QUEUE].map((queue) => driver.list(queue, 100)))).flat();
  }

  it('names each unknown message once, with where its jobs stand, and the handoffs each sender must send again', async () => {
    const jobs = await queues();
    const stepEvent = String(jobs.find((job) => job.queue === SCHEDULER_QUEUE)?.data.messageId);
    const report = orphanReport(jobs, [], new Set([forgotten, pending, stepEvent, alert]));

    expect(report.orphans.map((orphan) => orphan.id).sort()).toEqual([forgotten, pending, stepEvent, alert].sort());
    const first = report.orphans.find((orphan) => orphan.id === forgotten);
    expect(first).toMatchObject({ kind: 'message', from: 'procuratorate', to: 'civil-affairs', handoffId: forgottenHandoff, opensHandoff: true, reachedUnitSystem: true });
    expect(first?.traces.map((trace) => `${trace.queue} ${trace.state}: ${trace.meaning}`).sort()).toEqual([
      "{delivery.civil-affairs} completed: delivered to civil-affairs's system",
      "{inbox.civil-affairs} completed: taken into civil-affairs's inbox",
    ]);
    expect(report.orphans.find((orphan) => orphan.id === pending)).toMatchObject({ reachedUnitSystem: false, traces: [expect.objectContaining({ state: 'live', meaning: 'waiting to be taken up' })] });
    // A step event is listed but is no handoff to send again; the message the database has is not listed.
    expect(report.orphans.find((orphan) => orphan.id === stepEvent)).toMatchObject({ opensHandoff: false });
    expect(report.orphans.find((orphan) => orphan.id === alert)).toMatchObject({ kind: 'alert' });
    // (in the order first queued; both were queued within the same millisecond here)
    expect(Object.keys(report.toResend)).toEqual(['procuratorate']);
    expect([...(report.toResend.procuratorate ?? [])].sort()).toEqual([forgottenHandoff, pendingHandoff].sort());
  });

  it('lists a dead letter whose job is gone from the queues, and nothing when the database knows every id', async () => {
    const jobs = await queues();
    const deadLetter: DeadLetterRow = {
      id: randomUUID(), agency: 'education', queue: inboxQueueName('education'), jobId: 'j1', messageId: randomUUID(), type: 'handoff.judicial-referral',
      reason: 'PermanentMessageError: message is not in the database', attempts: 1, failedAt: new Date(), data: { ...referral('x', 'h'), to: 'education' }, replayedAt: null, replays: 0,
    };
    const report = orphanReport(jobs, [deadLetter], new Set([String(deadLetter.messageId)]));
    expect(report.orphans).toHaveLength(1);
    expect(report.orphans[0]).toMatchObject({ id: deadLetter.messageId, to: 'education', traces: [expect.objectContaining({ state: 'dead letter' })] });
    expect(orphanReport(jobs, [], new Set()).orphans).toEqual([]);
  });
});
