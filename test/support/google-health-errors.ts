/**
 * Google Health API error bodies as documented: the google.rpc.Status envelope
 * `{"error": {code, message, status, details}}` with the reasons of the API's error catalog and the texts of its
 * troubleshooting guide. Built here from those documents; none is a recording.
 */

const errorInfo = (reason: string, metadata?: Record<string, string>) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  ...(metadata ? { metadata } : {}),
});

const status = (code: number, rpcStatus: string, message: string, details?: unknown[]) => ({
  error: { code, message, status: rpcStatus, ...(details ? { details } : {}) },
});

export const errorBodies = {
  /** 429 over the per-user quota (rate-limits guide); no Retry-After header is promised with it. */
  resourceExhausted: () =>
    status(
      429,
      'RESOURCE_EXHAUSTED',
      "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' of service " +
        "'health.googleapis.com' for consumer 'project_number:123456789012'.",
      [
        errorInfo('RATE_LIMIT_EXCEEDED', {
          service: 'health.googleapis.com',
          quota_limit: 'RequestsPerMinutePerUser',
        }),
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ subject: 'project_number:123456789012', description: 'Quota exceeded' }],
        },
      ],
    ),
  unavailable: () => status(503, 'UNAVAILABLE', 'The service is currently unavailable.'),
  deadlineExceeded: () => status(504, 'DEADLINE_EXCEEDED', 'The request deadline has expired.'),
  /** The docs say nothing about 500; this is Google's generic INTERNAL answer. */
  internal: () => status(500, 'INTERNAL', 'Internal error encountered.'),
  /**
   * 403 of a legacy Fitbit account that consented instead of a Google Account. The troubleshooting guide gives
   * the message "The caller does not have permission" and the description "Could not mint UberMint from
   * GaiaMint", without saying where in the body the description is: both places are tested.
   */
  uberMint: (where: 'message' | 'details' = 'details') =>
    where === 'message'
      ? status(
          403,
          'PERMISSION_DENIED',
          'The caller does not have permission. Could not mint UberMint from GaiaMint.',
        )
      : status(403, 'PERMISSION_DENIED', 'The caller does not have permission', [
          {
            '@type': 'type.googleapis.com/google.rpc.DebugInfo',
            detail: 'Could not mint UberMint from GaiaMint.',
          },
        ]),
  /** 403 for a scope the user unticked on the consent screen. */
  scopeInsufficient: () =>
    status(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
      errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', {
        service: 'health.googleapis.com',
        method: 'google.devicesandservices.health.v4.DataPointsService.ReconcileDataPoints',
      }),
    ]),
  /** 403 when the Google Health API is not enabled in the OAuth client's Cloud project. */
  serviceDisabled: () =>
    status(
      403,
      'PERMISSION_DENIED',
      'Google Health API has not been used in project 123456789012 before or it is disabled. Enable it by ' +
        'visiting https://console.developers.google.com/apis/api/health.googleapis.com/overview?project=123456789012 ' +
        'then retry.',
      [
        errorInfo('SERVICE_DISABLED', {
          consumer: 'projects/123456789012',
          service: 'health.googleapis.com',
        }),
      ],
    ),
  accountNotLinked: () =>
    status(400, 'FAILED_PRECONDITION', 'The account is not linked to Google Health.', [
      errorInfo('ACCOUNT_NOT_LINKED'),
    ]),
  invalidFilter: (filter: string) =>
    status(400, 'INVALID_ARGUMENT', `Invalid filter: ${filter}`, [errorInfo('INVALID_DATA_POINT_FILTER')]),
  invalidArgument: (message: string) => status(400, 'INVALID_ARGUMENT', message),
  unauthenticated: () =>
    status(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other ' +
        'valid authentication credential.',
      [errorInfo('ACCESS_TOKEN_EXPIRED')],
    ),
};
