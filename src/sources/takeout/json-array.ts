/**
 * Streams the elements of a top-level JSON array, one at a time, so a heart-rate file of millions of samples
 * is never held in memory.
 *
 * stream-json's StreamArray would do this too, but as one more stream stage: when the parser fails, the
 * failing stream is destroyed and elements still sitting in the stages' buffers are lost, while we promise
 * to keep every element before the break. So the parser's tokens are consumed here, synchronously, by an
 * Assembler: an element is handed over the moment its last token arrives, and nothing waits in a buffer.
 */
import type { Readable } from 'node:stream';
import Assembler from 'stream-json/Assembler';
import Parser from 'stream-json/Parser';
import { JsonSizeGuard } from './json-size-guard';

export interface JsonArrayOutcome {
  /** Elements handed to the callback; on failure, also the index of the first unreadable element. */
  count: number;
  /** Why reading stopped early (invalid or truncated JSON, unreadable file); the elements before it count. */
  error?: Error;
}

interface Token {
  name: string;
  value?: string;
}

/**
 * Calls `onElement` for each element of the JSON array `input` holds, in order. Never rejects for bad input:
 * a parse or read error, or a value or element larger than JsonSizeGuard allows, ends the walk and is
 * returned. An exception thrown by `onElement` (a bug, not bad input) rejects.
 */
export function forEachJsonArrayElement(
  input: Readable,
  onElement: (value: unknown, index: number) => void,
  guard: JsonSizeGuard = new JsonSizeGuard(),
): Promise<JsonArrayOutcome> {
  return new Promise((resolve, reject) => {
    // Packed values only: one token per key/string/number instead of a token per piece of it. Packing holds a
    // whole value in memory, which the guard in front keeps small.
    const parser = new Parser({ packValues: true, streamValues: false });
    const assembler = new Assembler();
    let started = false;
    let count = 0;
    let settled = false;

    const finish = (error?: Error, bug?: unknown): void => {
      if (settled) return;
      settled = true;
      input.unpipe(guard);
      guard.unpipe(parser);
      input.destroy();
      guard.destroy();
      parser.destroy();
      if (bug !== undefined) reject(bug);
      else resolve(error ? { count, error } : { count });
    };

    parser.on('data', (token: Token) => {
      if (settled) return;
      if (!started) {
        if (token.name !== 'startArray') {
          finish(new Error('the file does not hold a JSON array'));
          return;
        }
        started = true;
      }
      assembler.consume(token);
      // Depth 1 = back inside the top-level array: the element just completed is its last item.
      if (assembler.depth === 1 && (assembler.current as unknown[]).length > 0) {
        const value = (assembler.current as unknown[]).pop();
        try {
          onElement(value, count);
        } catch (err) {
          finish(undefined, err);
          return;
        }
        count++;
      }
    });
    parser.on('error', (err: Error) => {
      if (started) finish(err);
      else if (guard.bytes === 0) finish(new Error('the file is empty (0 bytes), expected a JSON array'));
      else finish(new Error(`not a JSON array (${err.message})`));
    });
    parser.on('end', () =>
      finish(started ? undefined : new Error('the file is empty, expected a JSON array')),
    );
    input.on('error', (err: Error) => finish(new Error(`cannot read the file: ${err.message}`)));
    guard.on('error', (err: Error) => finish(err));
    input.pipe(guard).pipe(parser);
  });
}
