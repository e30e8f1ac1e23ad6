/**
 * Graphite metric paths as they may appear inside a rendered target. The metric is pasted into function calls
 * (`stdev({{metric}},14)`), so anything outside the path grammar could add functions or arguments: `a.b),x(`
 * would rewrite the check. Only plain path characters pass, plus glob characters when the caller allows them.
 */

export interface MetricNameOptions {
  /** Allow `*`, `?`, `[…]` and `{a,b}`. Targets then return one series per match. */
  allowWildcards: boolean;
}

const PLAIN_CHAR_RE = /[A-Za-z0-9_-]/;
const GLOB_CHARS = '*?[]{}';
const WILDCARD_RE = /[*?[\]{}]/;

/** True when the name contains glob characters (`*`, `?`, `[…]`, `{…}`). */
export function hasWildcards(name: string): boolean {
  return WILDCARD_RE.test(name);
}

/** Why `char` is refused, in the user's terms. */
function describeForbidden(char: string): string {
  if (char === '(' || char === ')') return `"${char}", which Graphite would read as a function call`;
  if (char === ',') return '",", which Graphite would read as another function argument';
  if (char === "'" || char === '"') return `a quote (${char}), which Graphite would read as a string`;
  if (char === '=') return '"=", which Graphite would read as a keyword argument or a tag';
  if (/\s/.test(char)) return 'whitespace';
  return `"${char}"`;
}

/** Checks one node (the text between dots) with wildcards allowed; returns a problem or undefined. */
function validateGlobNode(node: string): string | undefined {
  let open: '[' | '{' | undefined;
  let groupContent = '';
  for (const char of node) {
    if (open === undefined) {
      if (char === '[' || char === '{') {
        open = char;
        groupContent = '';
      } else if (char === ']' || char === '}') {
        return `"${char}" without a matching opening bracket`;
      } else if (char === ',') {
        return `"," outside {…}, which Graphite would read as another function argument`;
      }
      continue;
    }
    const close = open === '[' ? ']' : '}';
    if (char === close) {
      if (open === '[' && !/^[A-Za-z0-9_-]+$/.test(groupContent)) {
        return `"[${groupContent}]" must list letters, digits or ranges such as [0-9]`;
      }
      if (open === '{' && groupContent.split(',').some((alt) => !/^[A-Za-z0-9_*?-]+$/.test(alt))) {
        return `"{${groupContent}}" must be non-empty alternatives separated by commas, such as {a,b}`;
      }
      open = undefined;
    } else if (char === '[' || char === '{' || char === ']' || char === '}') {
      return `nested or mismatched brackets in "${node}"`;
    } else {
      groupContent += char;
    }
  }
  return open === undefined ? undefined : `unclosed "${open}" in "${node}" (a {…} or […] cannot span a ".")`;
}

/**
 * Undefined when `name` is a valid Graphite path, otherwise a message saying what is wrong. Nodes are separated
 * by single dots and hold letters, digits, `_` and `-`; with `allowWildcards` also `* ? [ ] { }` and `,` inside
 * braces. Tagged series (`name;tag=value`) and expressions are refused.
 */
export function validateMetricName(name: string, options: MetricNameOptions): string | undefined {
  const quoted = JSON.stringify(name);
  if (name.trim() === '') return 'metric name is empty';
  if (name.includes('{{') || name.includes('}}')) {
    return `metric name ${quoted} still contains a template variable ({{…}}); it must be substituted first`;
  }
  for (const char of name) {
    if (PLAIN_CHAR_RE.test(char) || char === '.') continue;
    if (GLOB_CHARS.includes(char) || (char === ',' && options.allowWildcards)) {
      if (!options.allowWildcards) {
        return `metric name ${quoted} contains "${char}"; wildcards are not allowed here, name one metric`;
      }
      continue;
    }
    return `metric name ${quoted} contains ${describeForbidden(char)}; use letters, digits, _, - and dots`;
  }
  if (name.startsWith('.') || name.endsWith('.')) return `metric name ${quoted} starts or ends with a dot`;
  const nodes = name.split('.');
  if (nodes.some((node) => node === '')) return `metric name ${quoted} has an empty node ("..")`;
  if (options.allowWildcards) {
    for (const node of nodes) {
      const problem = validateGlobNode(node);
      if (problem) return `metric name ${quoted}: ${problem}`;
    }
  }
  return undefined;
}
