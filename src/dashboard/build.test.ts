import { parseCheckFile } from '../checks/definitions';
import { toDesiredCheck } from '../checks/desired';
import { loadTemplates } from '../templates/registry';
import { buildDashboard, type DashboardCheck } from './build';
import { parseTimePoint } from '../time';
import { stateTargets } from './state';

const templates = loadTemplates();
const NOW = Date.UTC(2026, 10, 29, 3, 0, 0) / 1000;

const HEALTH = `
defaults: { resolution: daily }
checks:
  - metric: "{{prefix}}.steps"
    heuristics:
      cv: { warn: 0.6, error: 0.9, params: { window: 14 } }
      holtwinters: { warn: 0.25, error: 0.5, params: { delta: 4 } }
  - metric: "{{prefix}}.heart.resting"
    heuristics:
      timeshift: { warn: 0.08, error: 0.15 }
`;

const APP = `
defaults: { resolution: fine }
checks:
  - metric: "app.server*.rate"
    heuristics:
      holtwinters: { warn: 0.3, error: 0.6 }
      battery: { warn: 20, error: 10 }
`;

function checksOf(text: string, file: string, metrics?: string[]): DashboardCheck[] {
  const { specs, problems } = parseCheckFile(text, file, withBattery, { prefix: 'health' });
  expect(problems).toEqual([]);
  return specs.flatMap((spec) => (metrics ?? [spec.metric]).map((metric) => ({ spec, metric })));
}

// A low-is-bad heuristic, to see the threshold labels turn around.
const withBattery = new Map(templates);
withBattery.set('battery', {
  name: 'battery',
  file: 'battery.mustache',
  description: 'charge left',
  params: [],
  defaults: { daily: { from: '-30d', until: 'now' }, fine: { from: '-15min', until: 'now' } },
  body: 'minSeries({{metric}})',
});

describe('buildDashboard', () => {
  const health = checksOf(HEALTH, 'checks/health.yaml');
  const built = buildDashboard({
    name: 'healthlake',
    checks: health,
    holtWinters: templates.get('holtwinters'),
    nowSeconds: NOW,
  });

  it('makes one graph per metric, then one per heuristic, in declaration order', () => {
    expect(built.graphs.map((g) => [g.id, g.params.title])).toEqual([
      ['health.steps', 'health.steps'],
      ['health.steps--cv', 'health.steps: cv'],
      ['health.steps--holtwinters', 'health.steps: holtwinters'],
      ['health.heart.resting', 'health.heart.resting'],
      ['health.heart.resting--timeshift', 'health.heart.resting: timeshift'],
    ]);
    expect(built.notes).toEqual([]);
  });

  it("plots the metric between the Holt-Winters bands of its holtwinters check's parameters", () => {
    expect(built.graphs[0]!.targets).toEqual([
      "alias(color(dashed(holtWintersConfidenceBands(health.steps,4,'84d','7d')),'8c8c8c'),'Holt-Winters band: delta 4, season 7d')",
      "alias(color(lineWidth(health.steps,2),'1f5fbf'),'health.steps')",
    ]);
    // No holtwinters check: the template's defaults for the resolution.
    expect(built.graphs[3]!.targets[0]).toContain(
      "holtWintersConfidenceBands(health.heart.resting,3,'84d','7d')",
    );
  });

  it("plots each heuristic as the check's own target with its thresholds as constant lines", () => {
    const cv = health.find((c) => c.spec.heuristic === 'cv')!;
    expect(built.graphs[1]!.targets).toEqual([
      `alias(color(lineWidth(${toDesiredCheck(cv.spec).target},2),'1f5fbf'),'cv')`,
      "alias(color(dashed(constantLine(0.6)),'orange'),'warn >= 0.6')",
      "alias(color(dashed(constantLine(0.9)),'red'),'error >= 0.9')",
    ]);
  });

  it('gives daily graphs 8 weeks and a white, readable style', () => {
    expect(built.graphs[1]!.params).toEqual({
      bgcolor: 'ffffff',
      fgcolor: '000000',
      majorGridLineColor: 'c8c8c8',
      minorGridLineColor: 'ececec',
      title: 'health.steps: cv',
      from: '-8weeks',
      until: 'now',
    });
  });

  it('saves the state graphite-web 1.1.8 dashboard UI applies', () => {
    const { state } = built;
    expect(state).toMatchObject({
      name: 'healthlake',
      timeConfig: {
        type: 'relative',
        relativeStartQuantity: '8',
        relativeStartUnits: 'weeks',
        relativeUntilUnits: 'now',
      },
      refreshConfig: { enabled: false, interval: 60000 },
      graphSize: { width: 800, height: 400 },
      defaultGraphParams: { from: '-8weeks', until: 'now', width: 800, height: 400 },
    });
    const [targetString, params, url] = state.graphs[2]!;
    expect(params.target).toEqual(built.graphs[2]!.targets);
    expect(params.title).toBe('health.steps: holtwinters');
    expect(new URLSearchParams(targetString).getAll('target')).toEqual(built.graphs[2]!.targets);
    const image = new URLSearchParams(url.replace(/^\/render\?/, ''));
    expect(image.getAll('target')).toEqual(built.graphs[2]!.targets);
    expect(image.get('from')).toBe('-8weeks');
    expect(image.get('width')).toBe('800');
    expect(stateTargets(JSON.parse(JSON.stringify(state)))).toEqual(built.graphs.map((g) => g.targets));
  });

  it('is the same state on every run (re-running replaces with identical content)', () => {
    const again = buildDashboard({ name: 'healthlake', checks: health, nowSeconds: NOW + 86400 });
    expect(again.state).toEqual(built.state);
  });

  it('uses absolute epochs for --until and turns the toolbar to an absolute range', () => {
    const until = parseTimePoint('2026-11-15');
    const fixed = buildDashboard({ name: 'sample', checks: health, until, nowSeconds: NOW });
    expect(fixed.graphs[0]!.params).toMatchObject({ from: '1789862400', until: '1794700800' });
    expect(fixed.state.timeConfig).toMatchObject({
      type: 'absolute',
      startDate: '2026-09-20T00:00:00.000Z',
      startTime: '12:00 AM',
      endDate: '2026-11-15T00:00:00.000Z',
    });
  });

  it('puts daily metrics first, labels low-is-bad thresholds, and shortens a fine bootstrap to fit 10s:1d', () => {
    const app = checksOf(APP, 'checks/app.yaml', ['app.server1.rate']);
    const mixed = buildDashboard({ name: 'all', checks: [...app, ...health], nowSeconds: NOW });
    expect(mixed.graphs.map((g) => g.id).slice(5)).toEqual([
      'app.server1.rate',
      'app.server1.rate--holtwinters',
      'app.server1.rate--battery',
    ]);
    expect(mixed.state.defaultGraphParams.from).toBe('-8weeks');
    const [band, hw, battery] = mixed.graphs.slice(5);
    expect(band!.params).toMatchObject({ from: '-6hours', until: 'now' });
    // 23h + 6h reaches past the 1d archive: 24h - 10min margin - 6h, in whole hours = 17h.
    expect(band!.targets[0]).toContain("holtWintersConfidenceBands(app.server1.rate,3,'17h','1h')");
    expect(hw!.targets[0]).toContain("holtWintersAberration(app.server1.rate,3,'17h','1h')");
    expect(battery!.targets.slice(1)).toEqual([
      "alias(color(dashed(constantLine(20)),'orange'),'warn <= 20')",
      "alias(color(dashed(constantLine(10)),'red'),'error <= 10')",
    ]);
    expect(mixed.notes).toEqual([
      'app.server1.rate: Holt-Winters bootstrap 23h shortened to 17h so that it and the range fit in the 10s:1d archive',
    ]);
  });

  it('keeps the bootstrap of a fine metric whose range leaves it room', () => {
    const app = checksOf(APP, 'checks/app.yaml', ['app.server1.rate']);
    const short = buildDashboard({
      name: 'x',
      checks: app,
      from: parseTimePoint('-15min'),
      nowSeconds: NOW,
    });
    expect(short.graphs[0]!.targets[0]).toContain("'23h','1h'");
    expect(short.notes).toEqual([]);
  });
});
