import { hasWildcards, validateMetricName } from './metric-name';

const exact = { allowWildcards: false };
const globs = { allowWildcards: true };

describe('validateMetricName', () => {
  it.each(['health.sleep.minutes', 'a', 'stats.gauges.api-1.latency_ms', 'A.B9.c-d_e'])(
    'accepts %s',
    (name) => {
      expect(validateMetricName(name, exact)).toBeUndefined();
      expect(validateMetricName(name, globs)).toBeUndefined();
    },
  );

  it.each([
    'health.*.minutes',
    'a.b?c',
    'app.server[0-9].cpu',
    'app.{web,api}.requests',
    'a.{x*,y}.b',
    'a*b.c',
  ])('accepts the pattern %s only when wildcards are allowed', (name) => {
    expect(validateMetricName(name, globs)).toBeUndefined();
    expect(validateMetricName(name, exact)).toMatch(/; wildcards are not allowed here, name one metric$/);
  });

  it.each([
    [
      'a.b)',
      'metric name "a.b)" contains ")", which Graphite would read as a function call; use letters, digits, _, - and dots',
    ],
    [
      'sumSeries(a.b',
      'metric name "sumSeries(a.b" contains "(", which Graphite would read as a function call; use letters, digits, _, - and dots',
    ],
    ['a.b c', 'metric name "a.b c" contains whitespace; use letters, digits, _, - and dots'],
    [
      "a.'b'",
      `metric name "a.'b'" contains a quote ('), which Graphite would read as a string; use letters, digits, _, - and dots`,
    ],
    ['a.b;tag=x', 'metric name "a.b;tag=x" contains ";"; use letters, digits, _, - and dots'],
    [
      'a=b',
      'metric name "a=b" contains "=", which Graphite would read as a keyword argument or a tag; use letters, digits, _, - and dots',
    ],
    ['a.b!', 'metric name "a.b!" contains "!"; use letters, digits, _, - and dots'],
    ['.a.b', 'metric name ".a.b" starts or ends with a dot'],
    ['a.b.', 'metric name "a.b." starts or ends with a dot'],
    ['a..b', 'metric name "a..b" has an empty node ("..")'],
    ['', 'metric name is empty'],
    [
      '{{env}}.a',
      'metric name "{{env}}.a" still contains a template variable ({{…}}); it must be substituted first',
    ],
  ])('refuses %j with any wildcard setting', (name, message) => {
    expect(validateMetricName(name, exact)).toBe(message);
    expect(validateMetricName(name, globs)).toBe(message);
  });

  it('refuses a comma outside braces as an extra argument', () => {
    expect(validateMetricName('a.b,c', exact)).toBe(
      'metric name "a.b,c" contains ",", which Graphite would read as another function argument; use letters, digits, _, - and dots',
    );
    expect(validateMetricName('a.b,c', globs)).toBe(
      'metric name "a.b,c": "," outside {…}, which Graphite would read as another function argument',
    );
  });

  it.each([
    ['a.{b,c', 'metric name "a.{b,c": unclosed "{" in "{b,c" (a {…} or […] cannot span a ".")'],
    ['a.{b.c}', 'metric name "a.{b.c}": unclosed "{" in "{b" (a {…} or […] cannot span a ".")'],
    ['a.b}', 'metric name "a.b}": "}" without a matching opening bracket'],
    [
      'a.{b,}',
      'metric name "a.{b,}": "{b,}" must be non-empty alternatives separated by commas, such as {a,b}',
    ],
    ['a.[]', 'metric name "a.[]": "[]" must list letters, digits or ranges such as [0-9]'],
    ['a.[*]', 'metric name "a.[*]": "[*]" must list letters, digits or ranges such as [0-9]'],
    ['a.{b{c},d}', 'metric name "a.{b{c},d}": nested or mismatched brackets in "{b{c},d}"'],
  ])('refuses the malformed pattern %j', (name, message) => {
    expect(validateMetricName(name, globs)).toBe(message);
  });
});

describe('hasWildcards', () => {
  it.each([
    ['a.b.c', false],
    ['a-b_c.d', false],
    ['a.*', true],
    ['a.b?', true],
    ['a.[12]', true],
    ['a.{b,c}', true],
  ])('%s → %s', (name, expected) => {
    expect(hasWildcards(name)).toBe(expected);
  });
});
