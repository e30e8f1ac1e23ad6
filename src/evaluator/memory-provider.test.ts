import { globMatcher, MemoryProvider } from './memory-provider';

const DAY = 86400;

describe('MemoryProvider (whisper-like fetch)', () => {
  const p = new MemoryProvider([
    { name: 'h.a', start: 10 * DAY, step: DAY, values: [1, 2, null, 4] },
    { name: 'h.b', start: 10 * DAY, step: DAY, values: [5] },
  ]);

  it('returns the buckets in (from, until]: the bucket at `from` is excluded, the one at `until` included', () => {
    const [s] = p.fetch('h.a', 10 * DAY, 12 * DAY);
    expect(s).toMatchObject({ name: 'h.a', start: 11 * DAY, end: 13 * DAY, step: DAY, values: [2, null] });
    const [t] = p.fetch('h.a', 10 * DAY - 1, 12 * DAY - 1);
    expect(t!.values).toEqual([1, 2]);
  });

  it('pads with nulls outside the stored points and keeps one bucket for an empty range', () => {
    expect(p.fetch('h.a', 8 * DAY, 16 * DAY)[0]!.values).toEqual([null, 1, 2, null, 4, null, null, null]);
    expect(p.fetch('h.a', 11 * DAY + 5, 11 * DAY + 10)[0]!.values).toEqual([null]);
  });

  it('matches globs node by node, sorted by name, and nothing for an unknown metric', () => {
    expect(p.fetch('h.*', 9 * DAY, 10 * DAY).map((s) => s.name)).toEqual(['h.a', 'h.b']);
    expect(p.fetch('h.{b,c}', 9 * DAY, 10 * DAY).map((s) => s.name)).toEqual(['h.b']);
    expect(p.fetch('*', 9 * DAY, 10 * DAY)).toEqual([]);
    expect(p.fetch('no.such', 9 * DAY, 10 * DAY)).toEqual([]);
  });

  it('clamps to `now` like whisper', () => {
    const q = new MemoryProvider([{ name: 'x', start: 0, step: 10, values: [1, 2, 3, 4, 5] }], { now: 25 });
    expect(q.fetch('x', 0, 100)[0]!.values).toEqual([2, 3]);
    expect(q.fetch('x', 30, 100)).toEqual([]);
  });

  it('globMatcher handles classes and ?', () => {
    expect(globMatcher('a.s[0-9]?')('a.s1x')).toBe(true);
    expect(globMatcher('a.*')('a.b.c')).toBe(false);
  });
});
