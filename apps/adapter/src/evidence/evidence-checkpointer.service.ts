import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { UnitContext } from '../api/unit.context.js';

/**
 * Signs this unit's chain of the evidence log every AUDIT_CHECKPOINT_INTERVAL_MS when records came
 * after its last signed checkpoint. A record after the last checkpoint can be removed without a
 * trace (the chain still links); a checkpoint every 50 records alone left up to 49 of them
 * unsigned for as long as the unit stayed quiet. Nothing is written when nothing is new.
 */
@Injectable()
export class EvidenceCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EvidenceCheckpointer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly agency: UnitContext,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.settings.auditCheckpointIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Signs the unsigned tail now, if there is one; returns the signed head's seq, or null. One at a time. */
  async tick(): Promise<number | null> {
    if (this.running) return null;
    const signing = this.sign();
    this.running = signing.then(() => undefined);
    try {
      return await signing;
    } finally {
      this.running = null;
    }
  }

  private async sign(): Promise<number | null> {
    try {
      return (await this.agency.store.audit.checkpointUnsigned(this.clock.now()))?.seq ?? null;
    } catch (error) {
      // The database is down or busy: the next tick tries again; audit:verify reports the tail meanwhile.
      this.logger.warn(`evidence checkpoint of ${this.agency.code} failed: ${(error as Error).message}`);
      return null;
    }
  }
}
