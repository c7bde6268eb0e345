import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PollingRelay } from './polling-relay.js';
import type { Reconciler, ReconcileReport } from './reconciler.js';

/**
 * Runs a reconciler at boot and then every `intervalMs`; `kick()` runs it now. A pass that finds
 * work is handed to `onFound` (metrics, an operations alert); a pass that fails (PostgreSQL or
 * Redis away) is logged and the loop goes on.
 */
export class ReconcileLoop extends PollingRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconcileLoop.name);

  constructor(
    private readonly reconciler: Reconciler,
    intervalMs: number,
    private readonly owner: string,
    private readonly onPass: (reports: ReconcileReport[]) => Promise<void> = async () => undefined,
  ) {
    super(intervalMs);
  }

  onApplicationBootstrap(): void {
    this.startPolling();
  }

  protected async drain(): Promise<void> {
    try {
      const reports = await this.reconciler.run();
      for (const report of reports) {
        if (report.orphaned.length > 0) {
          this.logger.warn(`reconciler of ${this.owner} queued ${report.orphaned.length} ${report.source} again (of ${report.checked} checked): no live job`);
        }
      }
      await this.onPass(reports);
    } catch (error) {
      this.logger.error(`reconciler pass of ${this.owner} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
