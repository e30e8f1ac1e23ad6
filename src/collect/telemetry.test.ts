import pino from 'pino';
import { reportRun } from './telemetry';
import { udpReceiver, until } from '../../test/support/udp-receiver';

function memoryLogger() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (l: string) => lines.push(l) }) };
}

const NOW = Date.parse('2026-11-29T06:00:00.400Z');

describe('reportRun', () => {
  it('a run that worked: timing, three counters and last_success in epoch seconds, then "worked"', async () => {
    const receiver = await udpReceiver();
    const log = memoryLogger();
    await reportRun({
      statsd: { host: '127.0.0.1', port: receiver.port },
      ok: true,
      durationMs: 1250.4,
      pointsWritten: 709,
      apiRequests: 12,
      errors: 0,
      now: NOW,
      logger: log.logger,
    });
    await until(() => receiver.datagrams.length === 5);
    await receiver.close();

    expect(receiver.datagrams.sort()).toEqual(
      [
        'healthlake.collector.duration_ms:1250|ms',
        'healthlake.collector.points_written:709|c',
        'healthlake.collector.api_requests:12|c',
        // 0 is sent too, so the series exists (and reads 0) before the first error.
        'healthlake.collector.errors:0|c',
        `healthlake.collector.last_success:${Math.floor(NOW / 1000)}|g`,
      ].sort(),
    );
    expect(log.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        ok: true,
        stage: 'telemetry',
        msg: 'collect run worked; last_success reported',
      }),
    ]);
  });

  it('a failed run counts the error and leaves last_success alone, so the staleness check sees it', async () => {
    const receiver = await udpReceiver();
    const log = memoryLogger();
    await reportRun({
      statsd: { host: '127.0.0.1', port: receiver.port },
      ok: false,
      durationMs: 80,
      pointsWritten: 0,
      apiRequests: 1,
      errors: 1,
      now: NOW,
      logger: log.logger,
    });
    await until(() => receiver.datagrams.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing else arrives
    await receiver.close();

    expect(receiver.datagrams.sort()).toEqual(
      [
        'healthlake.collector.duration_ms:80|ms',
        'healthlake.collector.points_written:0|c',
        'healthlake.collector.api_requests:1|c',
        'healthlake.collector.errors:1|c',
      ].sort(),
    );
    expect(log.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'collect run FAILED; last_success not advanced',
    ]);
  });

  it('never fails the run when statsD is not there', async () => {
    const receiver = await udpReceiver();
    const port = receiver.port;
    await receiver.close(); // nobody listens on it any more
    await expect(
      reportRun({
        statsd: { host: '127.0.0.1', port },
        ok: true,
        durationMs: 1,
        pointsWritten: 1,
        apiRequests: 0,
        errors: 0,
      }),
    ).resolves.toBeUndefined();
  });
});
