/**
 * Pretty JSON with object keys sorted at every level, so the same record always gives the same bytes (a
 * re-collected day diffs cleanly, and an unchanged day is byte-identical). Arrays of numbers stay on one line:
 * a day's heart minutes are ~1440 `[minute, sum, count]` tuples, which would otherwise take five lines each.
 * Properties whose value is undefined are left out, as JSON.stringify does.
 */
export function stableJson(value: unknown): string {
  return `${format(value, '')}\n`;
}

function format(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'number'))
      return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = `${indent}  `;
    // Inside arrays JSON.stringify writes undefined as null; so does this.
    const items = value.map((v) => `${inner}${v === undefined ? 'null' : format(v, inner)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    const members = keys.map((k) => `${inner}${JSON.stringify(k)}: ${format(record[k], inner)}`);
    return `{\n${members.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
