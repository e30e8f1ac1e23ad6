import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Relative imports of a module, type-only ones included (they tie modules together just the same). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']*)'/gm, // import … from './x', export … from './x'
    /^\s*import\s+'(\.[^']*)'/gm, // import './x'
    /\b(?:import|require)\(\s*'(\.[^']*)'\s*\)/g, // import('./x'), require('./x')
  ];
  const specifiers = patterns.flatMap((re) => [...text.matchAll(re)].map((m) => m[1] as string));
  return specifiers.map((s) => {
    const base = path.resolve(path.dirname(file), s);
    for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base])
      if (fs.existsSync(candidate)) return candidate;
    throw new Error(`${path.relative(SRC, file)}: cannot resolve ${s}`);
  });
}

/** Every cycle's members (Tarjan's strongly connected components of more than one module, or a self-import). */
export function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(SRC, w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

describe('src/ module graph', () => {
  it('has no import cycle (GlobalOptions lives in a leaf module, commands never import the CLI)', () => {
    expect(importCycles(sourceFiles(SRC))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'healthlake-cycle-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { x } from './a';\nexport type B = number;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "import { y } from './b';\n");
    expect(importCycles(sourceFiles(dir)).map((c) => c.map((f) => path.basename(f)))).toEqual([
      ['a.ts', 'b.ts'],
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
