import { createLogger, textLine } from './log';
import { ansiStyle, stripStyle } from './style';

describe('text logs (a terminal)', () => {
  it('one short line per record: level word, message, fields as key=value, no time stamp', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'text', write: (l) => void lines.push(l) });
    log.info({ checks: 13, files: 3 }, 'render-checks: definitions are valid');
    log.warn({ glob: 'prod.x*.rate', why: 'no such series' }, 'matches nothing');
    log.error({ err: new Error('boom') }, 'failed');
    log.debug('hidden below info');
    expect(lines).toEqual([
      'healthlake: render-checks: definitions are valid (checks=13 files=3)\n',
      'healthlake: warning: matches nothing (glob=prod.x*.rate why="no such series")\n',
      // an error shows its message, not its stack
      'healthlake: error: failed (err="boom")\n',
    ]);
  });

  it('colours the level word when the terminal has colour', () => {
    const line = textLine('{"level":40,"time":1,"msg":"careful","n":1}', ansiStyle);
    expect(line).toBe('healthlake: \u001b[33mwarning: \u001b[39mcareful \u001b[2m(n=1)\u001b[22m\n');
    expect(stripStyle(line)).toBe('healthlake: warning: careful (n=1)\n');
  });

  it('json logs stay pino lines, secrets redacted in both formats', () => {
    const json: string[] = [];
    const text: string[] = [];
    createLogger({ format: 'json', write: (l) => void json.push(l) }).info(
      { refresh_token: 'SECRET' },
      'saved',
    );
    createLogger({ format: 'text', write: (l) => void text.push(l) }).info(
      { refresh_token: 'SECRET' },
      'saved',
    );
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 30, msg: 'saved', refresh_token: '[redacted]' });
    expect(text).toEqual(['healthlake: saved (refresh_token=[redacted])\n']);
  });
});
