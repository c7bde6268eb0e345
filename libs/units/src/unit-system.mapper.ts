import type { Envelope } from '#contracts';

/** What the bus hands a unit's own system: the envelope and, for an opening message, the handoff. */
export interface UnitDelivery {
  envelope: Envelope;
}

/**
 * Turns a delivery into the body the unit's own system expects. Most units take the bus's
 * canonical JSON; a unit whose system has its own field names gets a small mapper of its own.
 */
export interface UnitSystemMapper {
  toUnitSystem(delivery: UnitDelivery): Record<string, unknown>;
}

export class CanonicalMapper implements UnitSystemMapper {
  toUnitSystem(delivery: UnitDelivery): Record<string, unknown> {
    return { ...delivery.envelope };
  }
}
