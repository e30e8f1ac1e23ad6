import { thresholdPngTargets } from '../backtest/png';
import type { SeyrenCheck } from '../clients/seyren/types';

/** Where a person looks next: the check in Seyren's web UI and its graph in graphite-web. */

/** Seyren's UI is an AngularJS app at the base URL; a check's page is the route `#/checks/<id>`. */
export function seyrenCheckUrl(seyrenUrl: string, id: string): string {
  return `${seyrenUrl.replace(/\/+$/, '')}/#/checks/${encodeURIComponent(id)}`;
}

/**
 * graphite-web's PNG of the check's target over the check's own range (Seyren's defaults -11minutes and
 * -1minutes when unset), with the thresholds as constant lines, as `backtest --png` draws them.
 */
export function graphiteGraphUrl(graphiteUrl: string, check: SeyrenCheck): string | null {
  if (!check.target) return null;
  const name = check.name ?? check.id;
  const warn = Number(check.warn);
  const error = Number(check.error);
  const hasThresholds = check.warn !== null && check.error !== null && Number.isFinite(warn + error);
  const targets = hasThresholds
    ? thresholdPngTargets({ name, target: check.target }, warn, error)
    : [check.target];
  const params: Array<[string, string]> = [
    ...targets.map((t): [string, string] => ['target', t]),
    ['from', check.from ?? '-11minutes'],
    ['until', check.until ?? '-1minutes'],
    ['width', '1000'],
    ['height', '400'],
    ['title', name],
  ];
  const query = params.map(([k, v]) => `${k}=${readableComponent(v)}`).join('&');
  return `${graphiteUrl.replace(/\/+$/, '')}/render?${query}`;
}

/**
 * Percent-encodes a query value but leaves `,` and `:` as they are (legal in a query, RFC 3986), so a Graphite
 * target stays readable in a terminal: `divideSeries(a,b)`, not `divideSeries%28a%2Cb%29`.
 */
function readableComponent(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

export function checkLinks(seyrenUrl: string, graphiteUrl: string) {
  return (check: SeyrenCheck) => ({
    seyren: seyrenCheckUrl(seyrenUrl, check.id),
    graph: graphiteGraphUrl(graphiteUrl, check),
  });
}
