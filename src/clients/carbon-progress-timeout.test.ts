import { CarbonError, NOT_READING } from './carbon-error';
import { formatSeconds, ProgressTimeout } from './carbon-progress-timeout';

describe('ProgressTimeout', () => {
  it('passes through what a step returns or throws', async () => {
    const progress = new ProgressTimeout(1000, 'carbon:2003');
    await expect(progress.step('sending', async () => 42)).resolves.toBe(42);
    await expect(
      progress.step('sending', async () => {
        throw new Error('EPIPE');
      }),
    ).rejects.toThrow('EPIPE');
  });

  it('fails a step that outlasts the time since the last progress, and aborts its signal', async () => {
    const progress = new ProgressTimeout(50, 'carbon:2003');
    let aborted = false;
    const err = await progress
      .step('sending (3 of 9 lines sent)', (signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise<never>(() => {});
      })
      .catch((e: unknown) => e as CarbonError);
    expect(err).toBeInstanceOf(CarbonError);
    expect(err?.code).toBe(NOT_READING);
    expect(err?.message).toBe(
      'Carbon at carbon:2003 is not reading: no progress for 0.1 s while sending (3 of 9 lines sent)',
    );
    expect(aborted).toBe(true);
  });

  it('gives a step only the time left since the last progress, and all of it again after progress', async () => {
    const progress = new ProgressTimeout(200, 'carbon:2003');
    // A step that ends without progress (the kernel took a chunk) leaves the clock running…
    await progress.step('sending', () => new Promise((resolve) => setTimeout(resolve, 120)));
    const started = Date.now();
    await expect(progress.step('sending', () => new Promise<never>(() => {}))).rejects.toThrow(/not reading/);
    expect(Date.now() - started).toBeLessThan(200);
    // …and once time is up, the next step fails at once.
    await expect(progress.step('sending', async () => 1)).rejects.toThrow(/not reading/);
    progress.progressed();
    await expect(progress.step('sending', async () => 1)).resolves.toBe(1);
  });

  it('formats whole and fractional seconds', () => {
    expect(formatSeconds(30000)).toBe('30 s');
    expect(formatSeconds(2500)).toBe('2.5 s');
    expect(formatSeconds(50)).toBe('0.1 s');
  });
});
