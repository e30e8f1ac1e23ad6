import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS } from '../../src/config/config';

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const section = (title: string) => README.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';

describe('README', () => {
  it('documents every setting the loader reads, in the configuration table', () => {
    const table = section('Configuration');
    expect(CONFIG_KEYS.filter((key) => !table.includes(`\`${key}\``))).toEqual([]);
  });

  it('says how to install the CLI, and cron and systemd run the installed command', () => {
    const install = section('Installing the CLI on a machine');
    expect(install).toContain('npm pack');
    expect(install).toMatch(/npm install -g .*healthlake-0\.1\.0\.tgz/);
    expect(install).toMatch(/npm install -g .*git\+https:/);
    const cron = section('Running from cron');
    expect(cron).toMatch(/^15 6 \* \* \* .*\$HOME\/\.local\/bin\/healthlake collect --source google-health/m);
    expect(cron).toContain('ExecStart=%h/.local/bin/healthlake collect --source google-health');
    expect(README).not.toMatch(/bin\/healthlake\.js/);
  });
});
