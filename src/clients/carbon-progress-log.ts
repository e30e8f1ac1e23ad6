import type { Logger } from '../util/log';
import { formatSeconds } from './carbon-progress-timeout';

/**
 * What a cron log shows of a carbon write: one line when it starts (how many lines, to where) and, while it
 * lasts, one line every interval saying how far it got and how long carbon has taken nothing. A run stuck on
 * carbon is then visible in the log while it is stuck, not only when it gives up.
 */
export class CarbonProgressLog {
  private phase: 'writing' | 'closing' = 'writing';
  private total = 0;
  private sent = 0;
  private queue: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly address: string,
    private readonly options: { intervalMs: number; timeoutMs: number; idleMs: () => number },
  ) {}

  start(phase: 'writing' | 'closing', lines: number): void {
    this.stop();
    this.phase = phase;
    this.total = lines;
    this.sent = phase === 'closing' ? lines : 0;
    this.queue = undefined;
    if (phase === 'writing') {
      this.logger.info(
        { carbon: this.address, lines },
        `writing ${lines} lines to carbon at ${this.address}`,
      );
    }
    this.timer = setInterval(() => this.report(), this.options.intervalMs);
    // A pending report must not keep a finished process alive.
    this.timer.unref();
  }

  /** A resend on a new connection starts counting again. */
  restart(lines: number): void {
    this.total = lines;
    this.sent = 0;
  }

  advance(lines: number): void {
    this.sent += lines;
  }

  waitingForClose(queue: number | undefined): void {
    this.phase = 'closing';
    this.queue = queue;
  }

  describe(): string {
    return `${this.sent} of ${this.total} lines sent`;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private report(): void {
    const idleMs = this.options.idleMs();
    const stalled =
      idleMs >= this.options.intervalMs
        ? `; carbon has taken nothing for ${formatSeconds(idleMs)} (gives up after ` +
          `${formatSeconds(this.options.timeoutMs)})`
        : '';
    const message =
      this.phase === 'writing'
        ? `still writing to carbon: ${this.describe()}${stalled}`
        : `all ${this.total} lines sent; waiting for carbon to read ` +
          `${this.queue ? `the last ${this.queue} bytes` : 'them'} and close the connection${stalled}`;
    this.logger.info(
      { carbon: this.address, phase: this.phase, sent: this.sent, lines: this.total, idleMs },
      message,
    );
  }
}
