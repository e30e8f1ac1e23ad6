import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCheckSpecs } from '../../src/checks/definitions';
import { GraphiteDashboardClient } from '../../src/clients/graphite-dashboard';
import { buildDashboard, type BuiltDashboard } from '../../src/dashboard/build';
import { parseTimePoint } from '../../src/time';
import { stateTargets } from '../../src/dashboard/state';
import { loadTemplates } from '../../src/templates/registry';
import { graphiteClient } from '../support/graphite-fixtures';
import { integrationStack, pollUntil } from '../support/integration-stack';
import { runCli } from '../support/run-cli';

// `healthlake dashboard` through the built CLI against the real graphite-web 1.1.8: the bundled sample is
// collected under the prefix `health` (2026-08-18..2026-11-15), the daily checks of checks/health.yaml become a
// dashboard ending on 2026-11-15, and graphite-web must store it, load it back, and render every target with
// data. Other test files write `health.it_*` metrics into the same stack; these checks name exact metrics, so
// they cannot pick those up, and the dashboard name is this process's own.

const UNTIL = '2026-11-15';
const NAME = `it-dashboard-${process.pid}`;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface SaveOutput {
  name: string;
  action: 'created' | 'replaced' | 'unchanged';
  url: string;
  graphs: Array<{ id: string; title: string; from: string; until: string; targets: string[] }>;
}

describe('healthlake dashboard against graphite-web 1.1.8', () => {
  const stack = integrationStack();
  const dashboards = new GraphiteDashboardClient({
    baseUrl: stack.graphiteUrl,
    retries: 3,
    retryBaseDelayMs: 50,
  });
  let root: string;
  let checksDir: string;
  let expected: BuiltDashboard;
  const env = () => ({ GRAPHITE_URL: stack.graphiteUrl, HEALTHLAKE_PREFIX: 'health' });
  const dashboard = (...args: string[]) =>
    runCli(['dashboard', '--checks', checksDir, '--name', NAME, '--until', UNTIL, ...args], env());

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-it-dashboard-'));
    checksDir = path.join(root, 'checks');
    fs.mkdirSync(checksDir);
    // Only the daily health checks: the app example's globs would match other tests' fine metrics.
    fs.copyFileSync(path.resolve(__dirname, '../../checks/health.yaml'), path.join(checksDir, 'health.yaml'));
    const collect = await runCli(['collect', '--source', 'sample'], {
      ...env(),
      HEALTHLAKE_DATA_DIR: path.join(root, 'data'),
      CARBON_HOST: '127.0.0.1',
      CARBON_PORT: String(stack.carbonPort),
    });
    expect({ code: collect.code, stderr: collect.code === 0 ? '' : collect.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const range = {
      from: String(Date.parse('2026-08-17T00:00:00Z') / 1000),
      until: String(Date.parse(`${UNTIL}T00:00:00Z`) / 1000),
    };
    const templates = loadTemplates();
    const specs = loadCheckSpecs(checksDir, templates, { prefix: 'health' });
    // Carbon serves a new metric's points once its file exists: wait until every checked metric has its days.
    const metrics = [...new Set(specs.map((s) => s.metric))];
    await pollUntil(
      () => graphiteClient().render(metrics, range),
      (series) =>
        series.length === metrics.length &&
        series.every((s) => s.datapoints.filter(([v]) => v !== null).length >= 80),
    );
    expected = buildDashboard({
      name: NAME,
      checks: specs.map((spec) => ({ spec, metric: spec.metric })),
      holtWinters: templates.get('holtwinters'),
      until: parseTimePoint(UNTIL),
      nowSeconds: Math.floor(Date.now() / 1000),
    });
  }, 120000);

  afterAll(async () => {
    await dashboards.delete(NAME).catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  let first: SaveOutput;

  it('creates a dashboard that graphite-web loads back with the expected graphs', async () => {
    const run = await dashboard('--json');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    first = JSON.parse(run.stdout) as SaveOutput;
    expect(first).toMatchObject({
      name: NAME,
      action: 'created',
      url: `${stack.graphiteUrl}/dashboard/${NAME}`,
    });

    const loaded = (await dashboards.load(NAME)) as BuiltDashboard['state'];
    expect(loaded).toEqual(expected.state);
    expect(stateTargets(loaded)).toEqual(first.graphs.map((g) => g.targets));
    // Per metric its Holt-Winters band, per heuristic its warn and error lines.
    const metrics = new Set(expected.graphs.map((g) => g.metric));
    expect(metrics).toContain('health.steps');
    for (const [, params] of loaded.graphs) {
      const band = params.target.some((t) => t.includes('holtWintersConfidenceBands('));
      const lines = params.target.filter((t) => t.includes('constantLine(')).length;
      expect(band ? 0 : 2).toBe(lines);
      expect(params).toMatchObject({ from: '1789862400', until: '1794700800' });
    }
    expect(
      loaded.graphs.filter(([, p]) => p.target.some((t) => t.includes('holtWintersConfidenceBands('))),
    ).toHaveLength(metrics.size);
  });

  it('renders every target of the loaded dashboard with HTTP 200 and data', async () => {
    const loaded = (await dashboards.load(NAME)) as BuiltDashboard['state'];
    const graphite = graphiteClient();
    for (const [, params] of loaded.graphs) {
      for (const target of params.target) {
        const series = await graphite.render(target, {
          from: params.from as string,
          until: params.until as string,
        });
        const values = series.flatMap((s) => s.datapoints.map(([v]) => v)).filter((v) => v !== null);
        expect({ target, series: series.length, hasData: values.length > 0 }).toEqual({
          target,
          series: target.includes('holtWintersConfidenceBands(') ? 2 : 1,
          hasData: true,
        });
      }
    }
  });

  it('leaves one dashboard with the same content when run again, and replaces it when the definitions change', async () => {
    const again = await dashboard('--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ...first, action: 'unchanged' });
    expect(await dashboards.find(NAME)).toEqual([NAME]);
    expect(await dashboards.load(NAME)).toEqual(expected.state);

    const moved = await runCli(
      ['dashboard', '--checks', checksDir, '--name', NAME, '--until', '2026-11-08'],
      env(),
    );
    expect(moved.code).toBe(0);
    // each graph with its range in dates, then, last, what happened and where to look
    const lines = moved.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^dashboard "${NAME}" replaced: ${expected.graphs.length} graphs; open http://\\S+/dashboard/${NAME}$`,
      ),
    );
    expect(lines[0]).toMatch(/^ {2}\S.* {2}2026-09-13 \.\. 2026-11-08$/);
    expect(await dashboards.find(NAME)).toEqual([NAME]);
    expect(((await dashboards.load(NAME)) as BuiltDashboard['state']).defaultGraphParams.until).toBe(
      '1794096000',
    );
  });

  it('--png writes one PNG per graph, each rendered by graphite-web', async () => {
    const dir = path.join(root, 'png');
    const run = await dashboard('--png', dir, '--width', '600', '--height', '300', '--json');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const { files } = JSON.parse(run.stdout) as { files: Array<{ file: string; bytes: number }> };
    expect(files.map((f) => path.basename(f.file))).toEqual(expected.graphs.map((g) => `${g.id}.png`));
    expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => path.basename(f.file)).sort());
    for (const { file } of files) {
      const png = fs.readFileSync(file);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      // IHDR: width and height as asked; a graph with lines and a legend, not an empty frame (~3 KB).
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([600, 300]);
      expect(png.length).toBeGreaterThan(8000);
    }
  });
});
