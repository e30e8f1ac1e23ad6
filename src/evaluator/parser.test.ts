import { formatExpr, parseTarget } from './parser';

describe('parseTarget', () => {
  it('parses the cv template', () => {
    expect(parseTarget('divideSeries(stdev(health.steps,14),movingAverage(health.steps,14))')).toEqual({
      kind: 'call',
      name: 'divideSeries',
      raw: 'divideSeries(stdev(health.steps,14),movingAverage(health.steps,14))',
      kwargs: {},
      args: [
        {
          kind: 'call',
          name: 'stdev',
          raw: 'stdev(health.steps,14)',
          kwargs: {},
          args: [
            { kind: 'path', path: 'health.steps' },
            { kind: 'number', value: 14, integer: true, text: '14' },
          ],
        },
        {
          kind: 'call',
          name: 'movingAverage',
          raw: 'movingAverage(health.steps,14)',
          kwargs: {},
          args: [
            { kind: 'path', path: 'health.steps' },
            { kind: 'number', value: 14, integer: true, text: '14' },
          ],
        },
      ],
    });
  });

  it('reads numbers, strings (raw), keywords, kwargs and spaces', () => {
    const e = parseTarget(`f( a.b , -1.5e3, 'x"y', "7d", true, None, inf, k=2 )`);
    expect(e.kind === 'call' && e.args.map((a) => a.kind)).toEqual([
      'path',
      'number',
      'string',
      'string',
      'boolean',
      'none',
      'inf',
    ]);
    expect(e.kind === 'call' && e.args[1]).toMatchObject({ value: -1500, integer: false });
    expect(e.kind === 'call' && e.args[2]).toEqual({ kind: 'string', value: 'x"y' });
    expect(e.kind === 'call' && e.kwargs.k).toMatchObject({ kind: 'number', value: 2 });
  });

  it('reads globs, braces and escapes in paths; a number-like node is a path', () => {
    expect(parseTarget('prod.server*.{a,b}.x[0-9]')).toEqual({
      kind: 'path',
      path: 'prod.server*.{a,b}.x[0-9]',
    });
    expect(parseTarget('a.b\\(c')).toEqual({ kind: 'path', path: 'a.b(c' });
    expect(parseTarget('f(1abc)')).toMatchObject({ args: [{ kind: 'path', path: '1abc' }] });
  });

  it('turns piped calls into nested calls', () => {
    expect(formatExpr(parseTarget('a.b|scale(2)|absolute()'))).toBe('absolute(scale(a.b,2))');
  });

  it('fails with the position instead of guessing, unlike graphite-web', () => {
    expect(() => parseTarget('stdev(X,')).toThrow(/character 9/);
    expect(() => parseTarget('stdev(X,10))')).toThrow(/unexpected text after the expression/);
    expect(() => parseTarget("f('abc)")).toThrow(/unterminated string/);
    expect(() => parseTarget('')).toThrow(/expected a function call or a metric path/);
  });

  it('formatExpr writes a target back', () => {
    const t = "absolute(offset(divideSeries(m,timeShift(m,'7d')),-1))";
    expect(formatExpr(parseTarget(t))).toBe(t);
  });
});
