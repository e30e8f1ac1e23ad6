import { PassThrough } from 'node:stream';
import { StdoutSink } from './stdout-sink';

describe('StdoutSink', () => {
  it('writes exactly the carbon plaintext lines', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const sink = new StdoutSink(out);

    await sink.write([
      { path: 'health.steps', value: 8421, timestamp: 1709251200 },
      { path: 'health.heart.average', value: 2150 / 30, timestamp: 1709251200 },
    ]);
    await sink.write([]);
    await sink.write([{ path: 'health.worked', value: 1, timestamp: 1709337600 }]);
    await sink.close();

    expect(chunks.join('')).toBe(
      'health.steps 8421 1709251200\n' +
        'health.heart.average 71.66666666666667 1709251200\n' +
        'health.worked 1 1709337600\n',
    );
    expect(sink.written).toBe(3);
    expect(out.writableEnded).toBe(false);
  });

  it('prints nothing of a batch with an invalid point', async () => {
    const out = new PassThrough();
    const sink = new StdoutSink(out);
    await expect(
      sink.write([
        { path: 'health.steps', value: 1, timestamp: 1709251200 },
        { path: 'health.steps', value: NaN, timestamp: 1709251200 },
      ]),
    ).rejects.toThrow(/finite number/);
    expect(out.read()).toBeNull();
  });
});
