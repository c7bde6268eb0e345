import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { JobName } from '#contracts';
import type { OutgoingJob, QueueDriver } from '../queue-driver.js';

/**
 * The queue transport's client: one job at a time (a delivery, an operator's replay), emitted as
 * a Nest event whose pattern is the job's name. The outbox relay keeps the driver's bulk publish,
 * one round trip for a batch of jobs.
 */
export class QueueClient extends ClientProxy {
  constructor(private readonly driver: QueueDriver) {
    super();
  }

  /** Adds the job to its queue; resolves once the queue has it (a second add of its id is a no-op). */
  async publish<N extends JobName>(job: OutgoingJob<N>): Promise<void>;
  /** Request-response is not for queues: a job has no one waiting for a reply. */
  publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void;
  publish(job: OutgoingJob | ReadPacket, callback?: (packet: WritePacket) => void): Promise<void> | (() => void) {
    if (callback) {
      callback({ err: new Error('the queues carry events: use emit, not send'), isDisposed: true });
      return () => undefined;
    }
    const outgoing = job as OutgoingJob;
    return lastValueFrom(this.emit(outgoing.name, outgoing), { defaultValue: undefined });
  }

  /** An event's outcome is the job being in its queue: nothing comes back. */
  protected async dispatchEvent<T = undefined>(packet: ReadPacket<OutgoingJob>): Promise<T> {
    await this.driver.publish(packet.data);
    return undefined as T;
  }

  /** The driver's connections are opened by its first use and closed with it. */
  async connect(): Promise<void> {}

  close(): void {}

  unwrap<T>(): T {
    return this.driver as T;
  }
}
