import { Readable } from 'node:stream';
import { forEachJsonArrayElement } from './json-array';
import { JsonSizeGuard } from './json-size-guard';

/** The text as a stream of `size`-byte chunks, so token boundaries fall everywhere. */
function chunked(text: string, size: number): Readable {
  const chunks: Buffer[] = [];
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

async function collect(
  text: string,
  size = 64 * 1024,
): Promise<{ values: unknown[]; count: number; error?: string }> {
  const values: unknown[] = [];
  const outcome = await forEachJsonArrayElement(chunked(text, size), (value, index) => {
    expect(index).toBe(values.length);
    values.push(value);
  });
  return { values, count: outcome.count, ...(outcome.error ? { error: outcome.error.message } : {}) };
}

describe('forEachJsonArrayElement', () => {
  const elements = Array.from({ length: 40 }, (_, i) => ({
    dateTime: `06/30/26 10:00:${i}`,
    value: { bpm: 60 + i, confidence: 2 },
  }));
  const text = JSON.stringify(elements);

  it('hands over every element in order, whatever the chunking', async () => {
    for (const size of [1, 3, 7, 64, 1 << 16]) {
      expect(await collect(text, size)).toEqual({ values: elements, count: 40 });
    }
  });

  it('keeps every complete element before a truncation, at any cut point and chunking', async () => {
    // Element i ends at the i-th closing brace of an element: count them in the prefix.
    const ends: number[] = [];
    let offset = 1;
    for (const element of elements) {
      offset += JSON.stringify(element).length;
      ends.push(offset);
      offset += 1; // the comma
    }
    for (let cut = 1; cut < text.length - 1; cut += 17) {
      const complete = ends.filter((end) => end <= cut).length;
      for (const size of [13, 4096]) {
        const result = await collect(text.slice(0, cut), size);
        expect(result.values).toEqual(elements.slice(0, complete));
        expect(result.count).toBe(complete);
        expect(result.error).toMatch(/Parser/);
      }
    }
  });

  it('reports a non-array, an empty file and garbage as errors at element 0', async () => {
    expect(await collect('{"a":1}')).toEqual({
      values: [],
      count: 0,
      error: 'the file does not hold a JSON array',
    });
    expect(await collect('')).toEqual({
      values: [],
      count: 0,
      error: 'the file is empty (0 bytes), expected a JSON array',
    });
    expect((await collect('  \n')).error).toBe('not a JSON array (Parser has expected a value)');
    expect((await collect('nonsense')).error).toMatch(/^not a JSON array/);
    expect((await collect('[1, 2, x]')).values).toEqual([1, 2]);
    expect(await collect('[]')).toEqual({ values: [], count: 0 });
  });

  it('reports a read error after the elements already read', async () => {
    const broken = new Readable({ read() {} });
    broken.push('[1,2,');
    const seen: unknown[] = [];
    const outcome = forEachJsonArrayElement(broken, (v) => seen.push(v));
    setImmediate(() => broken.destroy(new Error('EIO')));
    await expect(outcome).resolves.toMatchObject({
      count: 2,
      error: { message: 'cannot read the file: EIO' },
    });
    expect(seen).toEqual([1, 2]);
  });

  it('rejects when the callback throws (a bug, not bad input)', async () => {
    await expect(
      forEachJsonArrayElement(chunked('[1,2]', 10), () => {
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
  });

  it('refuses a value or an element larger than the guard allows, without holding it, at any chunking', async () => {
    const guard = () => new JsonSizeGuard(1000, 5000);
    const long = 'x'.repeat(1500);
    const run = async (text: string, size: number) => {
      const values: unknown[] = [];
      const outcome = await forEachJsonArrayElement(chunked(text, size), (v) => values.push(v), guard());
      return { values, count: outcome.count, error: outcome.error?.message };
    };
    for (const size of [7, 100, 4096]) {
      // A 1500-byte string in record 1.
      expect(await run(`[{"a":"ok"},{"a":"${long}"},{"a":"late"}]`, size)).toEqual({
        values: [{ a: 'ok' }],
        count: 1,
        error: expect.stringMatching(
          /^a single value of record 1 is longer than .* \(at byte \d+\): refused$/,
        ),
      });
      // A 1500-digit number, and a 1500-character key.
      expect((await run(`[1,${'9'.repeat(1500)}]`, size)).error).toMatch(/value of record 1 is longer/);
      expect((await run(`[{"${long}":1}]`, size)).error).toMatch(/value of record 0 is longer/);
      // Escapes do not end a string early: 700 escaped quotes are 1400 bytes of one string.
      expect((await run(`["${'\\"'.repeat(700)}"]`, size)).error).toMatch(/value of record 0 is longer/);
      // Many small values making one huge element.
      const big = `[{"a":[${Array.from({ length: 3000 }, () => '1').join(',')}]}]`;
      expect((await run(big, size)).error).toMatch(/^record 0 is larger than .* \(at byte \d+\): refused$/);
      // Up to the bounds, everything passes: the same values, many elements.
      const fine = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ s: 'y'.repeat(900), i })));
      expect(await run(fine, size)).toMatchObject({ count: 50, error: undefined });
    }
  });
});
