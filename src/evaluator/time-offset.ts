import { EvaluationError } from './errors';

/**
 * graphite-web 1.1.8's parseTimeOffset (render/attime.py), in seconds: an optional sign (none = +), then
 * `<digits><letters>` groups whose unit is picked by prefix (s…, min…, h…, d…, w…, mon… = 30 d, y… = 365 d).
 * `m` alone or a missing number are errors, as there (HTTP 400 for interval parameters, 500 for movingAverage).
 */
export function parseTimeOffset(offset: string): number {
  if (offset === '') return 0;
  let rest = offset;
  let sign = 1;
  if (/^\d/.test(rest)) sign = 1;
  else if (rest[0] === '+' || rest[0] === '-') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  } else throw new EvaluationError(`Invalid offset: ${offset}`);
  let seconds = 0;
  while (rest !== '') {
    const digits = /^\d*/.exec(rest)?.[0] ?? '';
    if (digits === '') throw new EvaluationError(`Invalid interval value: '${offset}'`);
    rest = rest.slice(digits.length);
    const unit = /^[A-Za-z]*/.exec(rest)?.[0] ?? '';
    rest = rest.slice(unit.length);
    seconds += sign * Number(digits) * unitSeconds(unit, offset);
  }
  return seconds;
}

function unitSeconds(unit: string, offset: string): number {
  if (unit.startsWith('s')) return 1;
  if (unit.startsWith('min')) return 60;
  if (unit.startsWith('h')) return 3600;
  if (unit.startsWith('d')) return 86400;
  if (unit.startsWith('w')) return 7 * 86400;
  if (unit.startsWith('mon')) return 30 * 86400;
  if (unit.startsWith('y')) return 365 * 86400;
  throw new EvaluationError(`Invalid offset unit '${unit}' in '${offset}'`);
}
