import type { Handoff, HandoffWithSteps } from '#persistence';

export function presentHandoffSummary(handoff: Handoff) {
  return {
    id: handoff.id,
    kind: handoff.kind,
    from: handoff.fromAgency,
    to: handoff.toAgency,
    caseRef: handoff.caseRef,
    priority: handoff.priority,
    currentStep: handoff.currentStep,
    requestId: handoff.requestId,
    openedAt: handoff.openedAt.toISOString(),
    // 第二十四条: closed once the feedback is received; archived (read-only) after the office's period
    closed: handoff.currentStep === 'feedback-received',
    archivedAt: handoff.archivedAt?.toISOString() ?? null,
  };
}

export function presentHandoff(handoff: HandoffWithSteps) {
  return {
    ...presentHandoffSummary(handoff),
    details: handoff.details,
    timeline: handoff.steps.map((step) => ({
      step: step.step,
      by: step.actorAgency,
      at: step.occurredAt.toISOString(),
      messageId: step.messageId,
      details: step.details,
    })),
  };
}
