import { InputError } from '../errors';
import { loadYamlWithPositions } from './yaml-positions';

const text = `# comment
defaults:
  from: -30d
checks:
  - metric: health.steps
    heuristics:
      cv: { warn: 0.5, error: abc }
  - metric: health.heart.resting
    heuristics:
      timeshift:
        warn: 0.2
        error: 0.4
`;

describe('loadYamlWithPositions', () => {
  const y = loadYamlWithPositions(text, 'checks/x.yaml');

  it('parses the document', () => {
    expect(y.doc).toMatchObject({ defaults: { from: '-30d' }, checks: [{ metric: 'health.steps' }, {}] });
  });

  it('gives the line of keys, sequence items and flow-mapping values', () => {
    expect(y.lineOf(['defaults', 'from'])).toBe(3);
    expect(y.lineOf(['checks', 0, 'metric'])).toBe(5);
    expect(y.lineOf(['checks', 0, 'heuristics', 'cv', 'error'])).toBe(7);
    expect(y.lineOf(['checks', 1, 'heuristics', 'timeshift', 'error'])).toBe(12);
    expect(y.lineOf(['checks', 1])).toBe(8);
  });

  it('falls back to the nearest ancestor for a field that is absent', () => {
    expect(y.lineOf(['checks', 1, 'heuristics', 'timeshift', 'params'])).toBe(10);
  });

  it('reports malformed YAML with file and line', () => {
    expect(() => loadYamlWithPositions('a: 1\nb: [1, 2\nc: 3\n', 'bad.yaml')).toThrow(InputError);
    expect(() => loadYamlWithPositions('a: 1\n  b: 2\n', 'bad.yaml')).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ file: 'bad.yaml', line: 2 })] }),
    );
  });
});
