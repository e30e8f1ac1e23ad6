import type { GraphiteClient } from '../clients/graphite';
import type { BacktestCheck } from './backtest';

/**
 * Graphite's own PNG of a check's values over the backtest window, with the thresholds drawn as
 * constantLine()s: graphite-web renders it, no chart library involved.
 */
export function thresholdPngTargets(
  check: Pick<BacktestCheck, 'name' | 'target'>,
  warn: number,
  error: number,
): string[] {
  const label = check.name.replace(/['"\\]/g, '');
  return [
    `alias(${check.target},'${label}')`,
    `alias(color(constantLine(${warn}),'orange'),'warn ${warn}')`,
    `alias(color(constantLine(${error}),'red'),'error ${error}')`,
  ];
}

export function renderThresholdPng(
  graphite: Pick<GraphiteClient, 'renderPng'>,
  check: BacktestCheck,
  thresholds: { warn: number; error: number },
  window: { from: number; until: number },
  size: { width: number; height: number },
): Promise<Buffer> {
  return graphite.renderPng(thresholdPngTargets(check, thresholds.warn, thresholds.error), {
    from: window.from,
    until: window.until,
    width: size.width,
    height: size.height,
    title: `${check.name}: warn ${thresholds.warn}, error ${thresholds.error}`,
    hideLegend: 'false',
  });
}
