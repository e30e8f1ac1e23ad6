/**
 * Pretty JSON with object keys sorted at every level, so the same record always gives the same bytes (a
 * re-collected day diffs cleanly, and an unchanged day is byte-identical). Arrays of numbers stay on one line:
 * a day's heart minutes are ~1440 `[minute, sum, count]` tuples, which would otherwise take five lines each.
 * Properties whose value is undefined are left out, as JSON.stringify does. A number that is not finite is
 * refused (JSON.stringify would write it as null, and a null sum once replayed as a 0).
 */
export function stableJson(value: unknown): string {
  return `${format(value, '')}\n`;
}

function format(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'number'))
      return `[${value.map((v) => formatNumber(v as number)).join(', ')}]`;
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
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value) ?? 'null';
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`${n} cannot be archived: only finite numbers are`);
  return JSON.stringify(n);
}
