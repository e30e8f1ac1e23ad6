import { EventEmitter } from 'node:events';
import { sendQueueBytes, type TcpEndpoints } from './tcp-send-queue';

/**
 * How many of the bytes handed to the kernel the peer's host has acknowledged: handed − send queue. That is
 * the progress a writer can see on a connection whose peer answers nothing. It grows only as the peer's
 * application reads (its receive window opens again); a kernel that keeps taking chunks into its own send
 * queue, which Linux does slowly even towards a peer that reads nothing, does not move it.
 *
 * Where the kernel does not tell the send queue (not Linux), every chunk the kernel takes counts instead.
 * Emits 'progress' whenever the acknowledged bytes grow.
 */
export class TcpAckMeter extends EventEmitter {
  /** Bytes the kernel has taken (completed writes). */
  handed = 0;
  /** Bytes the peer's host acknowledged, as of the last look. */
  acknowledged = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(
    private readonly endpoints: TcpEndpoints,
    private readonly pollMs: number,
    /** Whether the send queue can be read; otherwise chunks taken count as progress. */
    readonly seesSendQueue: boolean,
  ) {
    super();
  }

  static async start(endpoints: TcpEndpoints, pollMs: number): Promise<TcpAckMeter> {
    const sees = (await sendQueueBytes(endpoints)) !== undefined;
    const meter = new TcpAckMeter(endpoints, pollMs, sees);
    if (sees) meter.schedule();
    return meter;
  }

  /** The kernel took `bytes` more. */
  took(bytes: number): void {
    this.handed += bytes;
    if (!this.seesSendQueue) {
      this.acknowledged = this.handed;
      this.emit('progress');
    }
  }

  /** Resolves at the next progress; the signal stops waiting. */
  nextProgress(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.off('progress', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.once('progress', done);
      signal.addEventListener('abort', done);
    });
  }

  /** Bytes handed but not acknowledged yet, as of the last look. */
  get unacknowledged(): number {
    return this.handed - this.acknowledged;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.look(), this.pollMs);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    // Read before the queue: a chunk taken meanwhile can only make the result too small, never fake progress.
    const handed = this.handed;
    const queue = await sendQueueBytes(this.endpoints);
    if (this.stopped) return;
    if (queue !== undefined && handed - queue > this.acknowledged) {
      this.acknowledged = handed - queue;
      this.emit('progress');
    }
    this.schedule();
  }
}
