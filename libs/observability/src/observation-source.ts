import type { UnitCode } from '#contracts';

/**
 * The database reads behind the health checks and the metrics: counts only, never a citizen's data.
 * The app hands ObservabilityModule its store's implementation (persistence's ObservationQueries).
 */
export abstract class ObservationSource {
  /** answers when the database does; throws otherwise */
  abstract ping(): Promise<void>;
  /** handoffs by the step they reached: one unit's (sent or received), or every one */
  abstract handoffsByStep(scope: 'all' | { agency: UnitCode }): Promise<{ step: string; count: number }[]>;
  /** open obligations past their due time, by the unit responsible */
  abstract overdueByAgency(now: Date): Promise<{ agency: string; count: number }[]>;
}
