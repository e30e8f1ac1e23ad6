import fs from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';

/**
 * The same generated export in the two other forms an import meets, for the benchmark's diagnostics:
 * the Takeout as a zip, and its heart-rate and steps samples in the Google-era CSV layout.
 */

/** Every file under `dir`, sorted, as `/`-separated paths relative to it. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    );
}

/** Zips `<root>/Takeout` (deflated, as Google ships it) into `zipFile`; returns the zip's size. */
export async function zipTakeout(root: string, zipFile: string): Promise<number> {
  const zip = new ZipFile();
  for (const file of filesUnder(path.join(root, 'Takeout'), 'Takeout/')) {
    zip.addFile(path.join(root, ...file.split('/')), file, { compress: true });
  }
  zip.end();
  const out = fs.createWriteStream(zipFile);
  await new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
    zip.outputStream.once('error', reject);
    zip.outputStream.pipe(out);
  });
  return fs.statSync(zipFile).size;
}

interface ClassicSample {
  dateTime: string;
  value: string | { bpm: number };
}

/** `MM/DD/YY HH:MM:SS` (UTC) as the CSV layout writes it: `YYYY-MM-DDTHH:MM:SSZ`. */
function isoInstant(fitbit: string): string {
  return `20${fitbit.slice(6, 8)}-${fitbit.slice(0, 2)}-${fitbit.slice(3, 5)}T${fitbit.slice(9)}Z`;
}

/**
 * Writes the classic export's heart-rate and steps files under `fitbitDir` as the Google-era CSV files of
 * `outRoot` (`Takeout/Fitbit/Physical Activity_GoogleData/`, the real header rows, one CSV file per JSON
 * file) with its profile; returns the bytes of CSV written.
 */
export function writeCsvLayout(fitbitDir: string, outRoot: string): number {
  const out = path.join(outRoot, 'Takeout', 'Fitbit');
  const activity = path.join(out, 'Physical Activity_GoogleData');
  fs.mkdirSync(activity, { recursive: true });
  fs.mkdirSync(path.join(out, 'Your Profile'), { recursive: true });
  fs.copyFileSync(
    path.join(fitbitDir, 'Your Profile', 'Profile.csv'),
    path.join(out, 'Your Profile', 'Profile.csv'),
  );
  const source = path.join(fitbitDir, 'Global Export Data');
  let bytes = 0;
  for (const name of fs.readdirSync(source).sort()) {
    const m = /^(heart_rate|steps)-(\d{4}-\d{2}-\d{2})\.json$/.exec(name);
    if (!m) continue;
    const heart = m[1] === 'heart_rate';
    const records = JSON.parse(fs.readFileSync(path.join(source, name), 'utf8')) as ClassicSample[];
    const rows = records.map((r) => {
      const value = typeof r.value === 'string' ? r.value : r.value.bpm;
      return `${isoInstant(r.dateTime)},${value},Fitbit Charge 6`;
    });
    const header = heart ? 'timestamp,beats per minute,data source' : 'timestamp,steps,data source';
    const text = `${header}\n${rows.join('\n')}\n`;
    fs.writeFileSync(path.join(activity, `${m[1]}_${m[2]}.csv`), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}
