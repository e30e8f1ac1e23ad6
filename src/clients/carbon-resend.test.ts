import { silentLogger } from '../util/log';
import { brokenConnection, CarbonError, NOT_READING } from './carbon-error';
import { resendOnce } from './carbon-resend';

describe('resendOnce', () => {
  const run = (resend: ReturnType<typeof resendOnce>, failures: Error[]) => {
    const attempts: number[] = [];
    const result = resend.policy.execute(async ({ attempt }) => {
      attempts.push(attempt);
      const failure = failures.shift();
      if (failure) throw failure;
      return 'delivered';
    });
    return { attempts, result };
  };

  it('tries again once after a broken or stalled connection', async () => {
    for (const failure of [brokenConnection('reset'), new CarbonError('stalled', NOT_READING)]) {
      const resend = resendOnce(silentLogger, 'carbon:2003');
      const { attempts, result } = run(resend, [failure]);
      await expect(result).resolves.toBe('delivered');
      expect(attempts).toEqual([0, 1]);
      expect(resend.left).toBe(0);
    }
  });

  it('gives up after the second failure, and shares the one resend between write and close until reset', async () => {
    const resend = resendOnce(silentLogger, 'carbon:2003');
    const first = run(resend, [brokenConnection('reset'), brokenConnection('reset again')]);
    await expect(first.result).rejects.toThrow('reset again');
    expect(first.attempts).toEqual([0, 1]);

    const close = run(resend, [brokenConnection('reset at close')]);
    await expect(close.result).rejects.toThrow('reset at close');
    expect(close.attempts).toEqual([0]);

    resend.reset();
    await expect(run(resend, [brokenConnection('reset')]).result).resolves.toBe('delivered');
  });

  it('does not retry what a new connection cannot fix: nobody listening, an invalid line', async () => {
    for (const failure of [
      new CarbonError('refused', 'ECONNREFUSED'),
      new CarbonError('Invalid metric path'),
    ]) {
      const resend = resendOnce(silentLogger, 'carbon:2003');
      const { attempts, result } = run(resend, [failure]);
      await expect(result).rejects.toBe(failure);
      expect(attempts).toEqual([0]);
    }
  });
});
