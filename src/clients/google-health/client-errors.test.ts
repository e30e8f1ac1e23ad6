/**
 * The documented error bodies of the Google Health API (test/support/google-health-errors.ts), each as the client
 * reports it: the message a user reads, the exit code, and whether it is retried.
 */
import nock from 'nock';
import { ExitCode } from '../../errors';
import { errorBodies } from '../../../test/support/google-health-errors';
import { GoogleAccountError, GoogleAuthError, GoogleHealthClient, GoogleHealthError } from './client';
import { useNockOffline } from '../../../test/support/nock-offline';

const API = 'https://health.googleapis.com';
const SLEEP = '/v4/users/me/dataTypes/sleep/dataPoints:reconcile';

const client = () =>
  new GoogleHealthClient({
    accessToken: async () => 'ya29.errors-test',
    retries: 2,
    retryBaseDelayMs: 1,
    requestsPerMinute: 60_000,
  });

async function answer(status: number, body: object): Promise<{ err: Error; requests: number }> {
  nock(API).get(SLEEP).query(true).times(3).reply(status, body);
  const c = client();
  const err = await c.reconcile('sleep', { pageSize: 25 }).then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
  return { err, requests: c.requestCount };
}

useNockOffline();

describe('403 "Could not mint UberMint from GaiaMint"', () => {
  it.each(['details', 'message'] as const)(
    'with the description in the %s: Google’s remedy (the Fitbit app’s Google sign-in), exit 6, not retried',
    async (where) => {
      const { err, requests } = await answer(403, errorBodies.uberMint(where));
      expect(err).toBeInstanceOf(GoogleAccountError);
      expect(err).not.toBeInstanceOf(GoogleAuthError); // not the "scope missing, re-authorise" advice
      expect((err as GoogleAccountError).exitCode).toBe(ExitCode.authRequired);
      expect(err.message).toBe(
        'the Google Health API answered GET /users/me/dataTypes/sleep/dataPoints:reconcile with 403 ' +
          'PERMISSION_DENIED (Could not mint UberMint from GaiaMint): a legacy Fitbit account gave the consent, ' +
          'not a Google Account. Fix it as Google describes: 1. sign out of the Fitbit mobile app (Fitbit ' +
          'settings); 2. sign in to the Fitbit app again with "Continue with Google" (or "Sign in with Google"); ' +
          'if it says you cannot use Fitbit with this Google Account, your e-mail is still a legacy Fitbit ' +
          'account: move it to Google first (Fitbit help: move your Fitbit account to a Google Account); 3. run ' +
          '`healthlake auth` again and consent with that same Google Account',
      );
      expect(err.message).not.toMatch(/myaccount\.google\.com\/connections/);
      expect(requests).toBe(1);
    },
  );
});

describe('other documented errors', () => {
  it('403 ACCESS_TOKEN_SCOPE_INSUFFICIENT: an auth error marked as a missing scope (partial consent)', async () => {
    const { err, requests } = await answer(403, errorBodies.scopeInsufficient());
    expect(err).toBeInstanceOf(GoogleAuthError);
    expect((err as GoogleAuthError).scopeInsufficient).toBe(true);
    expect(err.message).toMatch(/does not include the scope this request needs/);
    expect(requests).toBe(1);
  });

  it('403 USER_PROJECT_DENIED: an auth error, not a missing scope', async () => {
    const { err } = await answer(403, {
      error: {
        code: 403,
        message: 'User is not authorized to access health data.',
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'USER_PROJECT_DENIED' }],
      },
    });
    expect(err).toBeInstanceOf(GoogleAuthError);
    expect((err as GoogleAuthError).scopeInsufficient).toBe(false);
    expect((err as GoogleAuthError).exitCode).toBe(ExitCode.authRequired);
  });

  it('403 SERVICE_DISABLED: says to enable the API in that project, with the link', async () => {
    const { err } = await answer(403, errorBodies.serviceDisabled());
    expect(err).toBeInstanceOf(GoogleHealthError);
    expect(err.message).toMatch(
      /the Google Health API is not enabled in the Cloud project of the OAuth client/,
    );
    expect(err.message).toContain(
      'https://console.cloud.google.com/apis/library/health.googleapis.com?project=123456789012',
    );
  });

  it('429 RESOURCE_EXHAUSTED and 503/504 are transient; 400 ACCOUNT_NOT_LINKED is not', async () => {
    for (const [status, body, kind] of [
      [429, errorBodies.resourceExhausted(), 'throttled'],
      [503, errorBodies.unavailable(), 'unavailable'],
      [504, errorBodies.deadlineExceeded(), 'unavailable'],
    ] as const) {
      const { err, requests } = await answer(status, body);
      expect((err as GoogleHealthError).retryClass).toBe(kind);
      expect(requests).toBe(3); // the first attempt and the 2 retries this client allows
      nock.cleanAll();
    }
    const notLinked = await answer(400, errorBodies.accountNotLinked());
    expect(notLinked.err.message).toMatch(/not linked to Google Health/);
    expect(notLinked.requests).toBe(1);
  });
});
