/**
 * Secrets (tokens, API keys in subscription targets, auth header values) replaced in a text that may reach a
 * log or an error message, e.g. a server's error body that echoes the request. A string shorter than 4
 * characters is left alone: replacing it would garble the text and protect nothing.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}
