import { openExport } from './locate';
import { readProfileTimeZone } from './profile';
import { makeExportFixture } from './takeout-fixture';

async function zoneOf(profile: string | undefined) {
  const files: Record<string, string> = { 'Global Export Data/steps-2026-06-01.json': '[]' };
  if (profile !== undefined) files['Your Profile/Profile.csv'] = profile;
  return zoneOfExport(files);
}

async function zoneOfExport(files: Record<string, string>, prefix?: string) {
  const fixture = await makeExportFixture(files, prefix);
  const reader = await openExport(fixture.zip);
  try {
    return await readProfileTimeZone(reader);
  } finally {
    await reader.close();
    fixture.cleanup();
  }
}

describe('readProfileTimeZone', () => {
  it('reads the timezone column wherever it is', async () => {
    expect(
      await zoneOf('\uFEFFid,full_name,timezone,locale\nX,"Doe, Jane",America/New_York,en_US\n'),
    ).toEqual({
      timeZone: 'America/New_York',
    });
  });

  it.each([
    [undefined, /no profile/],
    ['id,full_name\nX,Jane\n', /no timezone value/],
    ['id,timezone\nX,\n', /no timezone value/],
    ['id,timezone\nX,Mars/Olympus\n', /unknown time zone "Mars\/Olympus"/],
  ])('falls back to UTC with a warning for %p', async (profile, why) => {
    const result = await zoneOf(profile);
    expect(result.timeZone).toBe('UTC');
    expect(result.warning?.message).toMatch(why);
    expect(result.warning?.message).toMatch(/civil dates are taken in UTC/);
  });
});

describe('readProfileTimeZone, fitbit.com account export', () => {
  const accountZone = (profile: string) =>
    zoneOfExport(
      { 'user-site-export/steps-2019-04-17.json': '[]', 'user-profile/User-Profile.json': profile },
      'MyFitbitData/',
    );

  it('reads timezone from User-Profile.json, else a whole-hour offsetFromUTCMillis', async () => {
    expect(
      await accountZone('{"fullName":"J","timezone":"America/Chicago","offsetFromUTCMillis":-21600000}'),
    ).toEqual({
      timeZone: 'America/Chicago',
    });
    expect(await accountZone('{"timezone":"Nowhere/Land","offsetFromUTCMillis":7200000}')).toEqual({
      timeZone: 'Etc/GMT-2',
    });
    const broken = await accountZone('{"timezone":');
    expect(broken.timeZone).toBe('UTC');
    expect(broken.warning).toEqual({
      file: 'user-profile/User-Profile.json',
      message: expect.stringMatching(/^cannot read the profile: .*; civil dates are taken in UTC$/),
    });
  });
});
