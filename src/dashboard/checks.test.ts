import { parseCheckFile } from '../checks/definitions';
import { InputError } from '../errors';
import { loadTemplates } from '../templates/registry';
import { dashboardChecks } from './checks';

const templates = loadTemplates();

function specsOf(text: string) {
  const { specs, problems } = parseCheckFile(text, 'checks/x.yaml', templates);
  expect(problems).toEqual([]);
  return specs;
}

describe('dashboardChecks', () => {
  it('expands each glob once, keeps exact metrics, and reports globs without series', async () => {
    const specs = specsOf(`
defaults: { resolution: fine }
checks:
  - metric: "app.server*.rate"
    heuristics: { cv: { warn: 0.3, error: 0.5 }, timeshift: { warn: 0.5, error: 0.8 } }
  - metric: "app.db*.rate"
    heuristics: { cv: { warn: 0.3, error: 0.5 } }
  - metric: "app.total"
    heuristics: { cv: { warn: 0.3, error: 0.5 } }
`);
    const asked: string[] = [];
    const expand = async (glob: string) => {
      asked.push(glob);
      return glob === 'app.server*.rate' ? ['app.server1.rate', 'app.server2.rate'] : [];
    };
    const { checks, unmatched } = await dashboardChecks(specs, expand);
    expect(checks.map((c) => `${c.spec.heuristic}:${c.metric}`)).toEqual([
      'cv:app.server1.rate',
      'cv:app.server2.rate',
      'timeshift:app.server1.rate',
      'timeshift:app.server2.rate',
      'cv:app.total',
    ]);
    expect(unmatched).toEqual(['app.db*.rate']);
    expect(asked).toEqual(['app.server*.rate', 'app.db*.rate']);
  });

  it('refuses two declarations of the same check, as provision-checks does', async () => {
    const specs = specsOf(`
checks:
  - metric: "health.steps"
    heuristics: { cv: { warn: 0.3, error: 0.5 } }
  - metric: "health.step?"
    heuristics: { cv: { warn: 0.4, error: 0.6 } }
`);
    await expect(dashboardChecks(specs, async () => ['health.steps'])).rejects.toThrow(InputError);
  });
});
