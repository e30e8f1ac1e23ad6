import { CarbonError } from './carbon-error';
import { CHUNK_BYTES, encodeCarbonBatch, formatCarbonLine, linesBatch } from './carbon-lines';

describe('formatCarbonLine', () => {
  it('formats `path value epoch_seconds`', () => {
    expect(formatCarbonLine('health.steps', 8421, 1700006400)).toBe('health.steps 8421 1700006400');
    expect(formatCarbonLine('health.weight_kg', 71.25, 1700006400)).toBe('health.weight_kg 71.25 1700006400');
    expect(formatCarbonLine('health.delta', -0, 0)).toBe('health.delta 0 0');
  });

  it('rejects millisecond timestamps, which carbon would file ~57,000 years in the future', () => {
    expect(() => formatCarbonLine('health.steps', 1, 1700006400000)).toThrow(CarbonError);
    expect(() => formatCarbonLine('health.steps', 1, 1700006400000)).toThrow(
      /looks like milliseconds.*1700006400\?/,
    );
  });

  it('rejects fractional or negative timestamps', () => {
    expect(() => formatCarbonLine('health.steps', 1, 1700006400.5)).toThrow(/whole epoch seconds/);
    expect(() => formatCarbonLine('health.steps', 1, -1)).toThrow(/whole epoch seconds/);
  });

  it('rejects values carbon drops (NaN) or we do not want stored (±Infinity)', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => formatCarbonLine('health.steps', bad, 1700006400)).toThrow(/finite number/);
    }
  });

  it('rejects paths with whitespace or empty nodes', () => {
    expect(() => formatCarbonLine('health.resting heart', 1, 1700006400)).toThrow(/without whitespace/);
    expect(() => formatCarbonLine('health.steps\n', 1, 1700006400)).toThrow(/without whitespace/);
    expect(() => formatCarbonLine('', 1, 1700006400)).toThrow(/non-empty/);
    expect(() => formatCarbonLine('health..steps', 1, 1700006400)).toThrow(/empty node/);
  });
});

describe('encodeCarbonBatch and linesBatch', () => {
  const points = Array.from({ length: 5000 }, (_, i) => ({
    path: `health.m${i % 8}`,
    value: i / 3,
    timestamp: 1_700_006_400 + 86400 * Math.floor(i / 8),
  }));

  it('encodes lazily into newline-terminated chunks of about CHUNK_BYTES that count their lines', () => {
    const batch = encodeCarbonBatch(points);
    const chunks = [...batch.chunks()];
    expect(batch.lines).toBe(5000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((n, c) => n + c.lines, 0)).toBe(5000);
    for (const c of chunks) {
      expect(c.text.endsWith('\n')).toBe(true);
      expect(c.text.split('\n').length - 1).toBe(c.lines);
      expect(c.text.length).toBeLessThan(CHUNK_BYTES + 100);
    }
    // A second iteration (a resend) gives the same bytes.
    expect([...batch.chunks()].map((c) => c.text).join('')).toBe(chunks.map((c) => c.text).join(''));
    expect(chunks[0]?.text.slice(0, 40)).toBe('health.m0 0 1700006400\nhealth.m1 0.33333');
  });

  it('refuses an invalid point before encoding anything', () => {
    expect(() => encodeCarbonBatch([...points, { path: 'health.m0', value: NaN, timestamp: 1 }])).toThrow(
      CarbonError,
    );
  });

  it('takes caller-formatted lines with or without their newline, and counts them', () => {
    const batch = linesBatch(['a 1 1', 'b 2 2\n']);
    expect(batch.lines).toBe(2);
    expect([...batch.chunks()]).toEqual([{ text: 'a 1 1\nb 2 2\n', lines: 2 }]);
  });
});
