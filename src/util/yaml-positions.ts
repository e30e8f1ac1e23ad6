import yaml from 'js-yaml';
import { InputError } from '../errors';

export type YamlPath = ReadonlyArray<string | number>;

export interface LocatedYaml {
  doc: unknown;
  /** 1-based line of the value at `path`, or of its nearest ancestor that has one. */
  lineOf(path: YamlPath): number | undefined;
}

const { DOCUMENT, SEQUENCE, MAPPING, SCALAR, POP } = yaml.EVENT_ID as Record<string, number>;

/**
 * Parses YAML and remembers where every value starts, so validation errors can name "file:line: field".
 * js-yaml's parse events carry byte offsets; we replay them alongside the path they belong to.
 */
export function loadYamlWithPositions(text: string, file: string): LocatedYaml {
  let doc: unknown;
  let events: ReturnType<typeof yaml.parseEvents>;
  try {
    doc = yaml.load(text, { filename: file });
    events = yaml.parseEvents(text, {});
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number }; message: string };
    throw InputError.single(`not valid YAML: ${e.reason ?? e.message}`, {
      file,
      line: e.mark ? e.mark.line + 1 : undefined,
    });
  }

  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  const lines = new Map<string, number>();
  // Each open collection: its path, its kind, the next sequence index, and for mappings whether the next
  // event is a key (and the key just read).
  type Frame = {
    path: Array<string | number>;
    kind: 'seq' | 'map';
    index: number;
    key?: string;
    expectKey: boolean;
  };
  const stack: Frame[] = [];
  let documentDone = false;

  /** The path of the value that the next event opens, or undefined for a mapping key. */
  const nextValuePath = (): Array<string | number> | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return documentDone ? undefined : [];
    if (top.kind === 'seq') return [...top.path, top.index++];
    top.expectKey = true;
    return [...top.path, top.key ?? ''];
  };

  for (const ev of events as Array<{ type: number; start?: number; valueStart?: number }>) {
    if (ev.type === DOCUMENT) continue;
    if (ev.type === POP) {
      if (stack.pop() && stack.length === 0) documentDone = true;
      continue;
    }
    const offset = ev.start ?? ev.valueStart ?? 0;
    const top = stack[stack.length - 1];
    if (ev.type === SCALAR && top?.kind === 'map' && top.expectKey) {
      const value = yaml.getScalarValue(text, ev as never);
      top.key = String(value);
      top.expectKey = false;
      lines.set(key([...top.path, top.key]), lineAt(offset));
      continue;
    }
    const path = nextValuePath() ?? [];
    if (!lines.has(key(path))) lines.set(key(path), lineAt(offset));
    if (ev.type === MAPPING) stack.push({ path, kind: 'map', index: 0, expectKey: true });
    else if (ev.type === SEQUENCE) stack.push({ path, kind: 'seq', index: 0, expectKey: false });
  }

  return {
    doc,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const line = lines.get(key(path.slice(0, n)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

function key(path: YamlPath): string {
  return JSON.stringify(path);
}
