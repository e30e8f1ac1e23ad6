import { EvaluationError } from './errors';

/**
 * A small parser for Graphite target expressions, covering what graphite-web 1.1.8's grammar accepts for the
 * targets our templates produce: function calls with positional and keyword arguments, piped calls
 * (`a.b|absolute()`), path expressions (globs, `{a,b}`, `[0-9]`, backslash escapes), numbers (integer, float,
 * scientific), quoted strings (kept raw, without unescaping, as graphite-web does), true/false, none and inf.
 *
 * Unlike graphite-web, which silently parses `stdev(X,` as the path `stdev` and ignores trailing junk, this
 * parser fails with the position of the problem.
 */

export type Expr =
  | { kind: 'path'; path: string }
  | { kind: 'call'; name: string; args: Expr[]; kwargs: Record<string, Expr>; raw: string }
  | { kind: 'number'; value: number; integer: boolean; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'none' }
  | { kind: 'inf' };

/** Characters that cannot appear unescaped in a path element (graphite's `symbols` plus whitespace). */
const SYMBOLS = new Set([...'(){},.\'"\\|']);
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER_RE = /^-?\d+(?:\.\d+)?(?:[eE]-?\d+)?/;
const KEYWORD_RE = /^(true|false|none|inf)(?![A-Za-z0-9_$])/i;

export function parseTarget(target: string): Expr {
  const parser = new Parser(target);
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the expression');
  return expr;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  fail(message: string): never {
    const shown = this.text.length > 200 ? `${this.text.slice(0, 200)}…` : this.text;
    throw new EvaluationError(`cannot parse target at character ${this.pos + 1}: ${message} in "${shown}"`);
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.peek() !== ch) this.fail(`expected "${ch}"`);
    this.pos++;
  }

  /** A call or a path, followed by any number of `|call(...)`. */
  expression(): Expr {
    this.skipSpace();
    let expr = this.callOrPath();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.peek() !== '|') {
        this.pos = save;
        return expr;
      }
      this.pos++;
      this.skipSpace();
      const start = this.pos;
      const name = IDENT_RE.exec(this.text.slice(this.pos))?.[0];
      if (!name) this.fail('expected a function call after "|"');
      this.pos += name.length;
      const call = this.callRest(name, start);
      expr = { ...call, args: [expr, ...call.args] };
    }
  }

  private callOrPath(): Expr {
    const start = this.pos;
    const name = IDENT_RE.exec(this.text.slice(this.pos))?.[0];
    if (name) {
      const after = this.pos + name.length;
      let look = after;
      while (look < this.text.length && /\s/.test(this.text[look] as string)) look++;
      if (this.text[look] === '(') {
        this.pos = after;
        return this.callRest(name, start);
      }
    }
    return this.path();
  }

  private callRest(name: string, start: number): Extract<Expr, { kind: 'call' }> {
    this.expect('(');
    const args: Expr[] = [];
    const kwargs: Record<string, Expr> = {};
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
      return { kind: 'call', name, args, kwargs, raw: this.text.slice(start, this.pos) };
    }
    for (;;) {
      this.skipSpace();
      const kw = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(this.text.slice(this.pos));
      if (kw) {
        this.pos += kw[0].length;
        kwargs[kw[1] as string] = this.argument();
      } else {
        if (Object.keys(kwargs).length > 0) this.fail('positional argument after a keyword argument');
        args.push(this.argument());
      }
      this.skipSpace();
      const ch = this.peek();
      if (ch === ',') {
        this.pos++;
        continue;
      }
      if (ch === ')') {
        this.pos++;
        return { kind: 'call', name, args, kwargs, raw: this.text.slice(start, this.pos) };
      }
      this.fail(ch === undefined ? `unclosed call to ${name}(` : 'expected "," or ")"');
    }
  }

  private argument(): Expr {
    this.skipSpace();
    const rest = this.text.slice(this.pos);
    const keyword = KEYWORD_RE.exec(rest);
    if (keyword && this.followedByArgEnd(this.pos + keyword[0].length)) {
      this.pos += keyword[0].length;
      const word = (keyword[1] as string).toLowerCase();
      if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
      return word === 'none' ? { kind: 'none' } : { kind: 'inf' };
    }
    const number = NUMBER_RE.exec(rest);
    if (number && this.followedByArgEnd(this.pos + number[0].length)) {
      this.pos += number[0].length;
      const text = number[0];
      return { kind: 'number', value: Number(text), integer: /^-?\d+$/.test(text), text };
    }
    const quote = this.peek();
    if (quote === '"' || quote === "'") return this.quoted(quote);
    return this.expression();
  }

  /** graphite's grammar only reads a number or keyword when `,` or `)` (or the end) follows. */
  private followedByArgEnd(at: number): boolean {
    let i = at;
    while (i < this.text.length && /\s/.test(this.text[i] as string)) i++;
    return i >= this.text.length || this.text[i] === ',' || this.text[i] === ')';
  }

  private quoted(quote: string): Expr {
    const start = this.pos;
    this.pos++;
    while (!this.atEnd() && this.peek() !== quote) {
      if (this.peek() === '\\') this.pos++;
      this.pos++;
    }
    if (this.atEnd()) {
      this.pos = start;
      this.fail('unterminated string');
    }
    this.pos++;
    return { kind: 'string', value: this.text.slice(start + 1, this.pos - 1) };
  }

  /** Dot-separated elements of metric characters, `{a,b}` alternatives and backslash escapes. */
  private path(): Expr {
    const start = this.pos;
    let out = '';
    for (;;) {
      const element = this.pathElement();
      if (element === '')
        this.fail(out === '' ? 'expected a function call or a metric path' : 'empty path element');
      out += element;
      if (this.peek() !== '.') break;
      out += '.';
      this.pos++;
    }
    if (out === '') {
      this.pos = start;
      this.fail('expected a metric path');
    }
    return { kind: 'path', path: out };
  }

  private pathElement(): string {
    let out = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) return out;
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined || !(SYMBOLS.has(next) || next === '=')) this.fail('bad escape in path');
        out += next;
        this.pos += 2;
      } else if (ch === '{') {
        const close = this.text.indexOf('}', this.pos);
        if (close < 0) this.fail('unclosed "{" in path');
        out += this.text.slice(this.pos, close + 1);
        this.pos = close + 1;
      } else if (SYMBOLS.has(ch) || /\s/.test(ch)) {
        return out;
      } else {
        out += ch;
        this.pos++;
      }
    }
  }
}

/** The expression back as target text (for messages and series names of re-evaluated arguments). */
export function formatExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'path':
      return expr.path;
    case 'call': {
      const kw = Object.entries(expr.kwargs).map(([k, v]) => `${k}=${formatExpr(v)}`);
      return `${expr.name}(${[...expr.args.map(formatExpr), ...kw].join(',')})`;
    }
    case 'number':
      return expr.text;
    case 'string':
      return `'${expr.value}'`;
    case 'boolean':
      return String(expr.value);
    case 'none':
      return 'None';
    case 'inf':
      return 'inf';
  }
}
