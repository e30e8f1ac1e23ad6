import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_CHECKS_DIR } from '../checks/definitions';
import { BUILTIN_TEMPLATES_DIR } from '../templates/registry';
import { resolveCheckFolders } from './check-folders';

describe('resolveCheckFolders', () => {
  let cwd: string;
  let notices: string[];
  const ctx = () => ({ cwd, notice: (m: string) => void notices.push(m) });
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-folders-'));
    notices = [];
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('uses ./checks and ./templates of the current directory when they exist, and says so', () => {
    fs.mkdirSync(path.join(cwd, 'checks'));
    fs.mkdirSync(path.join(cwd, 'templates'));
    expect(resolveCheckFolders({}, ctx())).toEqual({
      checks: path.join(cwd, 'checks'),
      templates: path.join(cwd, 'templates'),
    });
    expect(notices).toEqual([
      'using checks from ./checks, templates from ./templates; --checks/--templates choose others',
    ]);
  });

  it('falls back to the bundled examples, saying that there is no ./checks here', () => {
    fs.mkdirSync(path.join(cwd, 'checks'));
    expect(resolveCheckFolders({}, ctx())).toEqual({
      checks: path.join(cwd, 'checks'),
      templates: BUILTIN_TEMPLATES_DIR,
    });
    expect(notices).toEqual([
      'using checks from ./checks, templates from the bundled example templates (no ./templates here); --checks/--templates choose others',
    ]);
    notices = [];
    fs.rmdirSync(path.join(cwd, 'checks'));
    expect(resolveCheckFolders({}, ctx()).checks).toBe(BUILTIN_CHECKS_DIR);
    expect(notices[0]).toMatch(/^using checks from the bundled example checks \(no \.\/checks here\)/);
  });

  it('takes the folders given, relative to the current directory, without a notice', () => {
    expect(resolveCheckFolders({ checks: 'mine', templates: '/abs/t' }, ctx())).toEqual({
      checks: path.join(cwd, 'mine'),
      templates: '/abs/t',
    });
    expect(notices).toEqual([]);
  });
});
