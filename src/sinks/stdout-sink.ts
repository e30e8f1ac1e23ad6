import type { Writable } from 'node:stream';
import { formatCarbonLine } from '../clients/carbon';
import { MetricPoint, Sink } from './sink';

/**
 * `--dry-run`: prints the exact carbon plaintext lines instead of sending them, so the output can be checked by
 * eye or piped into `nc host 2003` by hand.
 */
export class StdoutSink implements Sink {
  readonly name = 'stdout';
  /** Lines written so far. */
  written = 0;

  constructor(private readonly out: Writable = process.stdout) {}

  async write(points: MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    // Formatted (and validated) first, so a bad point prints nothing rather than half a batch.
    const text = points.map((p) => `${formatCarbonLine(p.path, p.value, p.timestamp)}\n`).join('');
    await new Promise<void>((resolve, reject) => {
      // The callback runs once the data is flushed (or failed): back-pressure for large dry runs into a pipe.
      this.out.write(text, (err) => (err ? reject(err) : resolve()));
    });
    this.written += points.length;
  }

  /** The stream belongs to the caller (usually process.stdout), so it is left open. */
  async close(): Promise<void> {}
}
