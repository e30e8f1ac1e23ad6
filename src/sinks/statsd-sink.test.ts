import pino from 'pino';
import { StatsdSink } from './statsd-sink';
import { toPoints } from './sink';
import { udpReceiver, until } from '../../test/support/udp-receiver';

function capturingLogger() {
  const records: Array<{ level: number; msg: string; [key: string]: unknown }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { records, logger };
}

describe('StatsdSink', () => {
  it("sends only today's points, as gauges named by path, and warns once about the past days", async () => {
    const receiver = await udpReceiver();
    const { records, logger } = capturingLogger();
    const sink = new StatsdSink({ host: '127.0.0.1', port: receiver.port, today: '2024-03-03', logger });

    await sink.write(
      toPoints(
        [
          { date: '2024-03-01', values: { steps: 8421, 'heart.resting': 57 } },
          { date: '2024-03-02', values: { steps: 10234 } },
        ],
        'health',
      ),
    );
    await sink.write(
      toPoints([{ date: '2024-03-03', values: { steps: 1200, 'heart.average': 71.5 } }], 'health'),
    );
    await sink.write(toPoints([{ date: '2024-02-29', values: { worked: 1 } }], 'health'));
    await until(() => receiver.datagrams.length === 2);
    await sink.close();
    await sink.close();
    // Long enough for a stray datagram of a past day to arrive, if one had been sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await receiver.close();

    expect(receiver.datagrams.sort()).toEqual(['health.heart.average:71.5|g', 'health.steps:1200|g']);
    expect(sink.sent).toBe(2);
    const warnings = records.filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toBe(
      'statsD stamps every point with its flush time and cannot backfill, so 4 past-day point(s) were not ' +
        'sent to statsD (use carbon for history)',
    );
  });

  it('warns about nothing when every point is for today', async () => {
    const receiver = await udpReceiver();
    const { records, logger } = capturingLogger();
    const sink = new StatsdSink({ host: '127.0.0.1', port: receiver.port, today: '2024-03-03', logger });

    await sink.write(toPoints([{ date: '2024-03-03', values: { worked: 0 } }], 'me.health'));
    await until(() => receiver.datagrams.length === 1);
    await sink.close();
    await receiver.close();

    expect(receiver.datagrams).toEqual(['me.health.worked:0|g']);
    expect(records.filter((r) => r.level >= 40)).toEqual([]);
  });

  it('does not send negative values, which statsD would read as a change of the gauge', async () => {
    const receiver = await udpReceiver();
    const { records, logger } = capturingLogger();
    const sink = new StatsdSink({ host: '127.0.0.1', port: receiver.port, today: '2024-03-03', logger });

    await sink.write([{ path: 'health.delta', value: -5, timestamp: 1709424000 }]);
    await sink.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await receiver.close();

    expect(receiver.datagrams).toEqual([]);
    expect(records.map((r) => r.msg)).toContain('negative gauge not sent to statsD');
  });

  it('refuses a today that is not a date', () => {
    expect(() => new StatsdSink({ host: '127.0.0.1', port: 1, today: '03/03/2024' })).toThrow(/YYYY-MM-DD/);
  });
});
