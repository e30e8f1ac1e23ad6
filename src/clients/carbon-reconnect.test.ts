import { RECONNECT_ATTEMPTS, reconnectWhileRefused } from './carbon-reconnect';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('reconnectWhileRefused', () => {
  it('tries again while carbon refuses the connection, and takes the first that opens', async () => {
    let calls = 0;
    const result = await reconnectWhileRefused(1).execute(() => {
      calls++;
      if (calls < 3) throw refused();
      return 'connected';
    });
    expect([result, calls]).toEqual(['connected', 3]);
  });

  it(`gives up after ${RECONNECT_ATTEMPTS} more attempts, with the refusal`, async () => {
    let calls = 0;
    await expect(
      reconnectWhileRefused(1).execute(() => {
        calls++;
        throw refused();
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(1 + RECONNECT_ATTEMPTS);
  });

  it('does not try again for any other failure (a timeout has already waited its time)', async () => {
    let calls = 0;
    await expect(
      reconnectWhileRefused(1).execute(() => {
        calls++;
        throw Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
      }),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(calls).toBe(1);
  });
});
