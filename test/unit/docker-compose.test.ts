import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

/**
 * The Docker stack cannot run in CI (no Docker engine), so this checks what can be checked statically:
 * the compose file's services, ports and mounts, and that the mounted carbon schemas give health metrics a
 * daily retention and statsD metrics a step equal to statsD's flush interval.
 */

const DOCKER_DIR = path.join(__dirname, '..', '..', 'docker');
const read = (file: string) => fs.readFileSync(path.join(DOCKER_DIR, file), 'utf8');

interface ComposeService {
  image?: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: string[];
}

interface CarbonConfSection {
  name: string;
  pattern?: string;
  [key: string]: string | undefined;
}

/** carbon's .conf format: `[section]` then `key = value` lines; `#` lines are comments. */
function parseCarbonConf(text: string): CarbonConfSection[] {
  const sections: CarbonConfSection[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      sections.push({ name: header[1] as string });
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.*)$/.exec(line);
    const current = sections[sections.length - 1];
    if (!kv || !current) throw new Error(`unparsable line: ${raw}`);
    current[kv[1] as string] = kv[2] as string;
  }
  return sections;
}

/** Carbon uses the first section whose pattern matches (these patterns mean the same in Python and JS). */
function firstMatch(sections: CarbonConfSection[], metric: string): CarbonConfSection | undefined {
  return sections.find((s) => s.pattern !== undefined && new RegExp(s.pattern).test(metric));
}

/** `10s`, `1m`, `6h`, `1d`, `10y` → seconds, as whisper reads retention units. */
function toSeconds(duration: string): number {
  const match = /^(\d+)(s|m|min|h|d|w|y)$/.exec(duration);
  if (!match) throw new Error(`bad duration ${duration}`);
  const unit = { s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[
    match[2] as string
  ] as number;
  return Number(match[1]) * unit;
}

function finestStep(retentions: string): number {
  const first = retentions.split(',')[0] as string;
  return toSeconds(first.split(':')[0] as string);
}

describe('docker/docker-compose.yml', () => {
  const compose = load(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
  const { graphite, mongo, seyren } = compose.services;

  it('defines graphite, mongo and seyren', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['graphite', 'mongo', 'seyren']);
    expect(graphite?.image).toMatch(/^graphiteapp\/graphite-statsd(:|$)/);
    expect(mongo?.image).toBe('mongo:4.4');
    expect(seyren?.image).toBeTruthy();
  });

  it('publishes graphite-web, carbon plaintext, statsD (UDP) and Seyren', () => {
    expect(graphite?.ports).toEqual(expect.arrayContaining(['8080:80', '2003:2003', '8125:8125/udp']));
    expect(seyren?.ports).toEqual(['8081:8080']);
  });

  it('mounts our schema and aggregation files over the image config, and both files exist', () => {
    for (const file of ['storage-schemas.conf', 'storage-aggregation.conf']) {
      const mount = graphite?.volumes?.find((v) => v.split(':')[1] === `/opt/graphite/conf/${file}`);
      expect(mount).toBeDefined();
      const source = (mount as string).split(':')[0] as string;
      expect(fs.existsSync(path.join(DOCKER_DIR, source))).toBe(true);
    }
  });

  it('points Seyren at graphite and mongo by service name', () => {
    expect(seyren?.environment).toMatchObject({
      GRAPHITE_URL: 'http://graphite:80',
      MONGO_URL: 'mongodb://mongo:27017/seyren',
    });
    expect(seyren?.environment?.SEYREN_URL).toMatch(/^http:\/\/localhost:8081/);
    expect(seyren?.depends_on).toEqual(expect.arrayContaining(['graphite', 'mongo']));
  });
});

describe('docker/graphite/storage-schemas.conf', () => {
  const text = read('graphite/storage-schemas.conf');
  const schemas = parseCarbonConf(text);

  it('gives health metrics one point per day for ten years', () => {
    const health = schemas.find((s) => s.pattern === '^health\\.');
    expect(health?.retentions).toBe('1d:10y');
    expect(firstMatch(schemas, 'health.steps')).toBe(health);
  });

  it("uses the statsD flush interval documented in the header as the statsD metrics' finest step", () => {
    const documented = /statsD flushInterval: (\d+s)/.exec(text)?.[1];
    expect(documented).toBe('10s');
    const statsd = schemas.find((s) => s.pattern === '^stats(_counts)?\\.');
    expect(statsd).toBeDefined();
    expect(finestStep(statsd?.retentions as string)).toBe(toSeconds(documented as string));
    expect(firstMatch(schemas, 'stats.gauges.healthlake.run')).toBe(statsd);
    expect(firstMatch(schemas, 'stats_counts.healthlake.lines')).toBe(statsd);
  });

  it('keeps the rest of the local stack schema, with the catch-all last', () => {
    expect(schemas.map((s) => [s.name, s.pattern, s.retentions])).toEqual([
      ['carbon', '^carbon\\.', '60s:1d'],
      ['health', '^health\\.', '1d:10y'],
      ['healthlake_self', '^stats(_counts)?\\.', '10s:6h,1m:7d'],
      ['default', '.*', '10s:1d,1m:30d'],
    ]);
  });
});

describe('docker/graphite/storage-aggregation.conf', () => {
  const rules = parseCarbonConf(read('graphite/storage-aggregation.conf'));

  it.each([
    ['health.steps', 'last'],
    ['stats.gauges.healthlake.last_run', 'last'],
    ['stats_counts.healthlake.lines', 'sum'],
    ['stats.counters.healthlake.lines.count', 'sum'],
    ['stats.timers.healthlake.run.mean', 'average'],
  ])('aggregates %s with %s and xFilesFactor 0', (metric, method) => {
    const rule = firstMatch(rules, metric);
    expect(rule?.aggregationMethod).toBe(method);
    expect(rule?.xFilesFactor).toBe('0');
  });
});
