import fs from 'node:fs';
import path from 'node:path';

// The repository stands alone: comments state the fact they rely on, or point to a file in this repository
// (background lives under docs/), never to a document on a development machine.

const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['src', 'templates', 'checks', 'docs', 'bench', 'test', 'docker', 'README.md'];
const TEXT = /\.(ts|js|mjs|mustache|ya?ml|md|json|conf)$/;

function files(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.statSync(full).isDirectory()) return [full];
  return fs.readdirSync(full).flatMap((name) => files(path.join(entry, name)));
}

const OUTSIDE = [
  /\/work\//, // an absolute path of a development machine
  /shared\/reference/,
  /\.\.\/shared/,
  /(?<!docs\/)\b(health-sources|seyren-api|graphite-stack|real-export-shapes|peers)\.md\b/,
];

describe('self-contained sources', () => {
  const all = SCANNED.flatMap(files).filter((f) => TEXT.test(f) && f !== __filename);

  it('no file cites a path outside the repository', () => {
    const found: string[] = [];
    for (const file of all) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.some((re) => re.test(line)))
            found.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('every docs/ file a source cites exists', () => {
    const cited = new Set<string>();
    for (const file of all) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bdocs\/([\w.-]+\.md)\b/g))
        cited.add(m[1] as string);
    }
    expect(cited.size).toBeGreaterThan(2);
    expect([...cited].filter((name) => !fs.existsSync(path.join(ROOT, 'docs', name)))).toEqual([]);
  });
});
