import type { GraphiteSeries, RenderRange } from '../clients/graphite';
import type { Logger } from '../util/log';
import type { Cause } from './judge';

export type RenderFn = (targets: string[], range: RenderRange) => Promise<GraphiteSeries[]>;

export interface ReadBackOptions {
  render: RenderFn;
  /** How long to keep asking while points are missing (carbon creating files, a relay buffering). */
  waitMs: number;
  /** Pause between two rounds of renders. */
  pollMs: number;
  /** Targets per render request. */
  batchSize?: number;
  logger?: Logger;
  /** Epoch milliseconds; a test passes its own clock. */
  now?: () => number;
}

export interface PointProblem {
  path: string;
  /** Epoch seconds of the day (00:00 UTC). */
  timestamp: number;
  expected: number;
  /** What Graphite has: a value, null for an empty slot, undefined for no slot or no metric. */
  actual: number | null | undefined;
  cause: Cause;
}

export interface ReadBackReport {
  /** Points asked about. */
  written: number;
  /** Points Graphite returned with the value written. */
  confirmed: number;
  /** Points dated after now: written, but graphite-web renders nothing after now, so they cannot be read yet. */
  notYetReadable: number;
  problems: PointProblem[];
  /** From the first render to the verdict. */
  elapsedMs: number;
}

/** Per metric: the days written (timestamp → value). */
export type Expected = Map<string, Map<number, number>>;

/** What the renders showed so far. */
export interface ReadBackState {
  expected: Expected;
  /** Per metric, the days not confirmed yet, with the last problem seen (undefined before any answer). */
  open: Map<string, Map<number, PointProblem | undefined>>;
  /** Per metric, the days confirmed. */
  confirmed: Map<string, Set<number>>;
  /** Problems that waiting cannot change. */
  final: PointProblem[];
  /** The last render of each metric over its whole range. */
  wide: Map<string, GraphiteSeries | undefined>;
}

export const DEFAULT_BATCH_SIZE = 25;
