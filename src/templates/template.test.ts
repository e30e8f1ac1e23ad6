import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Mustache from 'mustache';
import { InputError } from '../errors';
import { loadTemplates } from './registry';
import { checkRange, loadTemplate, parseTemplate, renderProblems, renderTarget, Template } from './template';

const M = 'health.sleep.minutes';
const shipped = loadTemplates();
const shippedTemplate = (name: string): Template => {
  const template = shipped.get(name);
  if (!template) throw new Error(`no shipped template ${name}`);
  return template;
};

function caught(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

const FRONT = (extra = '') =>
  `---\ndescription: test\nparams: [v]\ndefaults:\n  daily: { v: 1, from: "-30d", until: "now" }\n  fine: { v: 2, from: "-15min", until: "now" }\n${extra}---\n`;

describe('shipped templates', () => {
  it.each([
    ['cv', 'daily', `divideSeries(stdev(${M},14),movingAverage(${M},14))`],
    ['cv', 'fine', `divideSeries(stdev(${M},30),movingAverage(${M},30))`],
    ['timeshift', 'daily', `absolute(offset(divideSeries(${M},timeShift(${M},'7d')),-1))`],
    ['timeshift', 'fine', `absolute(offset(divideSeries(${M},timeShift(${M},'1h')),-1))`],
    ['holtwinters', 'daily', `absolute(divideSeries(holtWintersAberration(${M},3,'84d','7d'),${M}))`],
    ['holtwinters', 'fine', `absolute(divideSeries(holtWintersAberration(${M},3,'23h','1h'),${M}))`],
  ] as const)('%s at %s renders with its defaults', (name, resolution, target) => {
    expect(renderTarget(shippedTemplate(name), { metric: M }, resolution)).toBe(target);
  });

  it('are exactly cv, holtwinters, staleness and timeshift, each with a description', () => {
    expect([...shipped.keys()]).toEqual(['cv', 'holtwinters', 'staleness', 'timeshift']);
    for (const template of shipped.values()) expect(template.description.length).toBeGreaterThan(20);
  });

  it('give from/until per resolution, explicit vars winning', () => {
    const cv = shippedTemplate('cv');
    expect(checkRange(cv, {}, 'daily')).toEqual({ from: '-30d', until: 'now' });
    expect(checkRange(cv, {}, 'fine')).toEqual({ from: '-15min', until: 'now' });
    expect(checkRange(cv, { from: '-60d' }, 'daily')).toEqual({ from: '-60d', until: 'now' });
  });

  it('let explicit params override the defaults', () => {
    expect(renderTarget(shippedTemplate('cv'), { metric: M, window: 7 }, 'daily')).toBe(
      `divideSeries(stdev(${M},7),movingAverage(${M},7))`,
    );
  });
});

describe('renderTarget', () => {
  it('fails on a missing variable instead of rendering an empty string', () => {
    const template = parseTemplate(
      '---\ndescription: t\nparams: [window]\ndefaults:\n  daily: { from: "-30d", until: "now" }\n  fine: { from: "-1h", until: "now" }\n---\nstdev({{metric}},{{window}})\n',
      'x.mustache',
    );
    const err = caught(() => renderTarget(template, { metric: M }, 'daily'));
    expect(err.problems).toEqual([{ field: 'params.window', message: 'template "x": missing variable "window"' }]);
    expect(caught(() => renderTarget(template, { window: 3 }, 'daily')).message).toBe(
      'metric: template "x": missing variable "metric"',
    );
  });

  it('does not HTML-escape the body or values, and leaves the global escape alone', () => {
    const before = Mustache.escape;
    const template = parseTemplate(`${FRONT()}f({{metric}},a=1&b=<2>,'{{v}}',"{{{v}}}")`, 'amp.mustache');
    expect(renderTarget(template, { metric: 'a.{b,c}.*', v: 'x:y+1' }, 'daily')).toBe(
      `f(a.{b,c}.*,a=1&b=<2>,'x:y+1',"x:y+1")`,
    );
    expect(Mustache.escape).toBe(before);
    expect(Mustache.render('{{x}}', { x: '&' })).toBe('&amp;');
  });

  it('refuses a parameter the template does not have, suggesting the closest one', () => {
    const err = caught(() => renderTarget(shippedTemplate('cv'), { metric: M, windwo: 7 }, 'daily'));
    expect(err.problems).toEqual([
      {
        field: 'params.windwo',
        message: 'template "cv" has no parameter "windwo"; did you mean "window"? (its parameters: window)',
      },
    ]);
  });

  it.each(["7d'", '14),sumSeries(x', '1 2', '"a"', 'a,b'])('refuses the param value %j', (value) => {
    const err = caught(() => renderTarget(shippedTemplate('cv'), { metric: M, window: value }, 'daily'));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.field).toBe('params.window');
    expect(err.problems[0]?.message).toContain(`value of "window" may only contain letters, digits and _ . : + - (got`);
  });

  it.each(['a.b)', 'a b', 'a,b', "a'b"])('refuses the metric %j', (metric) => {
    const err = caught(() => renderTarget(shippedTemplate('cv'), { metric }, 'daily'));
    expect(err.problems[0]?.field).toBe('metric');
  });

  it('reports problems without throwing through renderProblems', () => {
    expect(renderProblems(shippedTemplate('cv'), { metric: M }, 'daily')).toEqual([]);
  });
});

describe('parseTemplate / loadTemplate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-template-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the shipped cv example as documented', () => {
    const cv = shippedTemplate('cv');
    expect(cv).toMatchObject({
      name: 'cv',
      params: ['window'],
      defaults: { daily: { window: 14, from: '-30d', until: 'now' }, fine: { window: 30, from: '-15min', until: 'now' } },
      body: 'divideSeries(stdev({{metric}},{{window}}),movingAverage({{metric}},{{window}}))',
    });
    expect(cv.file).toMatch(/templates[/\\]cv\.mustache$/);
  });

  it('names the file and the 1-based file line of a YAML error', () => {
    const file = path.join(dir, 'bad.mustache');
    fs.writeFileSync(file, '---\ndescription: x\ndefaults:\n  daily: [\n  fine: : :\n---\nx\n');
    const err = caught(() => loadTemplate(file));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ file, line: 5 });
    expect(err.problems[0]?.message).toMatch(/^front matter is not valid YAML: /);
  });

  it('names the file when the front matter is missing or the file is unreadable', () => {
    expect(caught(() => parseTemplate('stdev({{metric}},3)', 'n.mustache')).problems).toEqual([
      {
        file: 'n.mustache',
        message: 'a template starts with YAML front matter between two "---" lines, then the target',
      },
    ]);
    const missing = path.join(dir, 'missing.mustache');
    expect(caught(() => loadTemplate(missing)).problems[0]).toMatchObject({ file: missing });
  });

  it('reports schema problems with their field', () => {
    const err = caught(() =>
      parseTemplate('---\ndescription: x\ndefaults:\n  daily: { from: "-1d", until: "now" }\n---\nf({{metric}})', 's.mustache'),
    );
    expect(err.problems).toEqual([{ file: 's.mustache', field: 'defaults.fine', message: 'Required' }]);
  });

  it('refuses a body variable that has neither a param entry nor a default', () => {
    const err = caught(() => parseTemplate(`${FRONT()}f({{metric}},{{windw}})`, 'typo.mustache'));
    expect(err.problems).toEqual([
      { file: 'typo.mustache', message: 'the target uses {{windw}}, which is not in params and has no default' },
    ]);
  });

  it('refuses unsafe defaults, bad default ranges, multi-line and empty targets', () => {
    const unsafe = FRONT().replace('v: 1,', 'v: "1)",').replace('"-15min"', '"15min"');
    expect(caught(() => parseTemplate(`${unsafe}f({{metric}},{{v}})`, 'u.mustache')).problems).toEqual([
      { file: 'u.mustache', field: 'defaults.daily.v', message: 'must match ^[A-Za-z0-9_.:+-]+$, got "1)"' },
      {
        file: 'u.mustache',
        field: 'defaults.fine.from',
        message:
          'relative time "15min" needs a sign: write -15min for the past (graphite-web rejects "15min" as an unknown day reference)',
      },
    ]);
    expect(caught(() => parseTemplate(`${FRONT()}f({{metric}},\n{{v}})`, 'm.mustache')).message).toBe(
      'm.mustache: the target must be a single line (Graphite reads one target per line)',
    );
    expect(caught(() => parseTemplate(`${FRONT()}  \n`, 'e.mustache')).message).toBe(
      'e.mustache: the target after the front matter is empty',
    );
    expect(caught(() => parseTemplate(`${FRONT()}f({{metric}}`.replace('f(', '{{#x}}'), 'o.mustache')).message).toMatch(
      /^o\.mustache: the target is not a valid mustache template: /,
    );
  });

  it('trims whitespace around the target and accepts CRLF files', () => {
    const text = `${FRONT()}\n  f({{metric}},{{v}})  \n\n`.replace(/\n/g, '\r\n');
    expect(parseTemplate(text, 'crlf.mustache').body).toBe('f({{metric}},{{v}})');
  });
});
