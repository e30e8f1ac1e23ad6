import { HealthlakeError } from '../errors';

/**
 * A target the evaluator cannot evaluate: a syntax error, an unknown function, a bad parameter, or a failure
 * graphite-web itself would answer with HTTP 400 or 500 (e.g. holtWinters* with a one-point season). The message
 * says which, so a test or a backtest can tell "graphite-web would fail too" from "we lack a function".
 */
export class EvaluationError extends HealthlakeError {
  constructor(
    message: string,
    /** The HTTP status graphite-web 1.1.8 answers for the same target: 400 (bad input) or 500 (crash). */
    readonly graphiteStatus: 400 | 500 = 400,
  ) {
    super(message);
  }
}
