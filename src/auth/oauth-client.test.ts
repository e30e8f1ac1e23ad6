import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, InputError } from '../errors';
import { resolveClientCredentials } from './oauth-client';

const CLIENT = { clientId: 'cid-123.apps.googleusercontent.com', clientSecret: 'GOCSPX-client-SECRET' };

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hl-oauth-client-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('resolveClientCredentials', () => {
  it('reads Google’s client JSON ({installed: …}) in preference to the configuration', () => {
    const file = path.join(root, 'client.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ installed: { client_id: 'file-id', client_secret: 'file-secret' } }),
    );
    expect(resolveClientCredentials({ ...CLIENT, clientFile: file })).toEqual({
      clientId: 'file-id',
      clientSecret: 'file-secret',
      kind: 'desktop',
    });
    expect(resolveClientCredentials(CLIENT)).toEqual({ ...CLIENT, kind: 'desktop' });
    expect(resolveClientCredentials({ ...CLIENT, clientType: 'web' })).toEqual({
      ...CLIENT,
      kind: 'web',
      redirectUri: 'https://www.google.com',
    });
  });

  it('reads a Web client ({web: …}) with its registered redirect https://www.google.com', () => {
    const file = path.join(root, 'client.json');
    const web = (redirect_uris: string[]) =>
      fs.writeFileSync(
        file,
        JSON.stringify({ web: { client_id: 'w-id', client_secret: 'w-secret', redirect_uris } }),
      );
    web(['https://example.org/cb', 'https://www.google.com/']);
    expect(resolveClientCredentials({ clientFile: file })).toEqual({
      clientId: 'w-id',
      clientSecret: 'w-secret',
      kind: 'web',
      redirectUri: 'https://www.google.com/', // exactly as registered: Google compares it character by character
    });
    web(['https://example.org/cb']);
    expect(() => resolveClientCredentials({ clientFile: file })).toThrow(
      /has no authorised redirect URI https:\/\/www\.google\.com: add it in the Cloud console/,
    );
  });

  it('refuses anything else in one line: a service-account key, an unknown JSON', () => {
    const file = path.join(root, 'client.json');
    fs.writeFileSync(file, JSON.stringify({ type: 'service_account', private_key: 'SECRET-KEY' }));
    const sa = (() => {
      try {
        resolveClientCredentials({ clientFile: file });
      } catch (e) {
        return e as InputError;
      }
    })()!;
    expect(sa.exitCode).toBe(ExitCode.invalidInput);
    expect(sa.message).toMatch(/a service-account key, not an OAuth client/);
    expect(sa.message).not.toContain('SECRET-KEY');
    expect(sa.message.split('\n')).toHaveLength(1);
    fs.writeFileSync(file, JSON.stringify({ other: {} }));
    expect(() => resolveClientCredentials({ clientFile: file })).toThrow(
      /not a Google OAuth client file: expected \{"installed": …\} \(a "Desktop app" client\) or \{"web": …\}/,
    );
  });

  it('names a broken client file without quoting it, and a missing configuration by its key', () => {
    const file = path.join(root, 'client.json');
    fs.writeFileSync(file, JSON.stringify({ installed: { client_id: 'x', secret: CLIENT.clientSecret } }));
    expect(() => resolveClientCredentials({ clientFile: file })).toThrow(InputError);
    expect(() => resolveClientCredentials({ clientFile: file })).not.toThrow(CLIENT.clientSecret);
    expect(() => resolveClientCredentials({ clientId: 'x' })).toThrow(/GOOGLE_CLIENT_SECRET/);
  });
});
