import path from 'node:path';
import { Archive } from '../archive/archive';
import { updateSummary } from '../archive/summary-csv';
import type { Config } from '../config/config';
import { deriveDays } from '../metrics/derive';
import { withheldReport } from '../metrics/withheld';
import { addDays } from '../util/civil-date';
import type { DailyMetrics } from '../metrics/metric-names';
import { toPoints } from '../sinks/sink';
import type { DateRange, DayRecord, SourceResult, SourceWarning } from '../sources/day-record';
import type { Logger } from '../util/log';
import type { VerificationSummary } from '../verify/verify-delivery';
import { deliver, type SinkName } from './deliver';

/**
 * source → day records → archive → daily metrics → sinks. The archive is written before anything is sent,
 * so a sink that fails loses nothing: `healthlake replay` sends the same days again later.
 */

export type { SinkName } from './deliver';

export interface PipelineInput {
  /** What the sources read, each already limited to the wanted range (plus D+1 for sleep after). */
  results: SourceResult[];
  range: DateRange;
  sinks: SinkName[];
  dryRun: boolean;
  /** Read the written points back through graphite-web (default true). */
  verify?: boolean;
  /** A dry run prints the carbon lines, unless the result itself goes to stdout as JSON. */
  json?: boolean;
}

export interface PipelineResult {
  days: number;
  points: number;
  sent: Record<string, number>;
  verification: VerificationSummary;
  warnings: SourceWarning[];
  range: { from?: string; to?: string };
  metrics: DailyMetrics[];
  /** Metrics that got no value because their input was incomplete or doubtful, by day. */
  withheld: Array<{ date: string; metrics: string[] }>;
  /** Days an export cut at another UTC offset than its profile zone's (the wearer was away). */
  otherOffsetDays: string[];
}

/** Records of every source, merged by date (each source fills only the fields it knows; withheld ones add up). */
export function mergeRecords(results: SourceResult[]): Map<string, DayRecord> {
  const merged = new Map<string, DayRecord>();
  for (const r of results) {
    for (const [date, record] of r.days) {
      const have = merged.get(date);
      const next: DayRecord = have ? { ...have, ...definedFields(record) } : { ...record };
      if (have?.withheld && record.withheld) next.withheld = { ...have.withheld, ...record.withheld };
      merged.set(date, next);
    }
  }
  return new Map([...merged].sort(([a], [b]) => a.localeCompare(b)));
}

function definedFields(record: DayRecord): Partial<DayRecord> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<DayRecord>;
}

export async function runPipeline(
  input: PipelineInput,
  config: Config,
  log: Logger,
): Promise<PipelineResult> {
  const days = mergeRecords(input.results);
  const known = [...days.keys()];
  const range = { from: input.range.from ?? known[0], to: input.range.to ?? known[known.length - 1] };
  const metrics = range.from && range.to ? deriveDays(days, { from: range.from, to: range.to }) : [];
  const report = withheldReport(metrics, days);
  const warnings = [...input.results.flatMap((r) => r.warnings), ...report.warnings];
  for (const w of warnings) {
    log.warn({ file: w.file, record: w.record }, `skipped input: ${w.message}`);
  }
  for (const n of report.notes) log.info({ file: n.file }, n.message);
  const archive = new Archive(config.dataDir);

  if (!input.dryRun) {
    for (const r of input.results) {
      await archive.writeDays(
        r.source,
        [...r.days.values()].filter((record) => inRange(record.date, range)),
      );
    }
    await updateSummary(path.join(config.dataDir, 'summary.csv'), metrics);
    log.info(
      { days: metrics.length, archive: path.join(config.dataDir, 'archive') },
      'archived day records and summary.csv',
    );
  }

  const timeZone = input.results.find((r) => r.source !== 'working-days')?.timeZone ?? 'UTC';
  const { sent, verification } = await deliver(
    metrics,
    input.dryRun ? dryRunSinks(input.json) : input.sinks,
    config,
    log,
    timeZone,
    range,
    { verify: input.verify ?? true },
  );
  const points = toPoints(metrics, config.prefix).length;
  const withheld = metrics.flatMap((m) => (m.withheld ? [{ date: m.date, metrics: m.withheld }] : []));
  const otherOffsetDays = input.results
    .flatMap((r) => r.otherOffsetDays ?? [])
    .filter((d) => (!range.from || d >= range.from) && (!range.to || d <= range.to));
  return {
    days: metrics.length,
    points,
    sent,
    verification,
    warnings,
    range,
    metrics,
    withheld,
    otherOffsetDays,
  };
}

function inRange(date: string, range: { from?: string; to?: string }): boolean {
  // D+1 is read for sleep.minutes_after; archive it too, it is real data.
  return (!range.from || date >= range.from) && (!range.to || date <= addDays(range.to, 1));
}

/** Where a dry run writes: the carbon lines on stdout, or nowhere when stdout carries the JSON result. */
export function dryRunSinks(json: boolean | undefined): SinkName[] {
  return json ? [] : ['stdout'];
}
