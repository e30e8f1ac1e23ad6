import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors';
import { BUILTIN_TEMPLATES_DIR, getTemplate, loadTemplates } from './registry';

const VALID = '---\ndescription: d\ndefaults:\n  daily: { from: "-30d", until: "now" }\n  fine: { from: "-1h", until: "now" }\n---\nf({{metric}})\n';

describe('loadTemplates', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-registry-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped folder by default', () => {
    expect(BUILTIN_TEMPLATES_DIR).toBe(path.resolve(__dirname, '..', '..', 'templates'));
    expect([...loadTemplates().keys()]).toEqual(['cv', 'holtwinters', 'staleness', 'timeshift']);
  });

  it('picks up every *.mustache file dropped in the folder, and nothing else', () => {
    fs.writeFileSync(path.join(dir, 'zeta.mustache'), VALID);
    fs.writeFileSync(path.join(dir, 'alpha.mustache'), VALID);
    fs.writeFileSync(path.join(dir, 'README.md'), '# not a template');
    const templates = loadTemplates(dir);
    expect([...templates.keys()]).toEqual(['alpha', 'zeta']);
    expect(templates.get('alpha')).toMatchObject({ file: path.join(dir, 'alpha.mustache'), body: 'f({{metric}})' });
  });

  it('reports the problems of every broken file at once', () => {
    fs.writeFileSync(path.join(dir, 'a.mustache'), 'no front matter');
    fs.writeFileSync(path.join(dir, 'b.mustache'), VALID.replace('f({{metric}})', ''));
    fs.writeFileSync(path.join(dir, 'c.mustache'), VALID);
    let error: unknown;
    try {
      loadTemplates(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => p.file)).toEqual([
      path.join(dir, 'a.mustache'),
      path.join(dir, 'b.mustache'),
    ]);
  });

  it('names a missing folder', () => {
    const missing = path.join(dir, 'nope');
    expect(() => loadTemplates(missing)).toThrow(InputError);
    expect(() => loadTemplates(missing)).toThrow(/^.*nope: cannot read the template folder: /);
  });
});

describe('getTemplate', () => {
  it('returns a template by heuristic name, or lists the available ones', () => {
    const templates = loadTemplates();
    expect(getTemplate(templates, 'cv').name).toBe('cv');
    expect(() => getTemplate(templates, 'zscore')).toThrow(
      'heuristic: unknown heuristic "zscore" (available: cv, holtwinters, staleness, timeshift)',
    );
  });
});
