import { closestName } from '../util/did-you-mean';
import type { HealthlakeCommand } from './define-command';
import { GLOBAL_OPTIONS } from './global-options';

/**
 * yargs' usage errors rewritten as one line that names the option and what is allowed, with a "did you mean"
 * for a mistyped option or command, and where to read more: `--dry-rn` on provision-checks gives
 * `unknown option --dry-rn; did you mean --dry-run? (see healthlake provision-checks --help)`.
 */
export function usageMessage(
  message: string,
  argv: readonly string[],
  commands: readonly HealthlakeCommand[],
): string {
  const path = commandPath(argv, commands);
  const named = path.filter((c) => c.info.name !== '$0');
  const group = named.at(-1);
  const see = `(see "healthlake ${named.map((c) => `${c.info.name} `).join('')}--help")`;
  const options = [...Object.keys(GLOBAL_OPTIONS), 'help', 'version', ...(path.at(-1)?.info.options ?? [])];
  const choices = (group ? group.info.subcommands : commands)
    .map((c) => c.info.name)
    .filter((n) => n !== '$0');
  return `${rewrite(message, argv, options, choices)} ${see}`;
}

function rewrite(message: string, argv: readonly string[], options: string[], subcommands: string[]): string {
  const flat = message.replace(/\s*\n\s*/g, ' ').trim();
  let m = /^Unknown arguments?: (.*)$/.exec(flat);
  if (m) {
    const unknown = (m[1] ?? '').split(', ').filter(Boolean);
    return unknown
      .map((name) => {
        const asOption = argv.some(
          (a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`,
        );
        if (asOption) {
          const near = closestName(name, options);
          return `unknown option --${name}${near ? `; did you mean --${near}?` : ''}`;
        }
        const near = closestName(name, subcommands);
        return `unexpected argument "${name}"${near ? `; did you mean ${near}?` : subcommands.length ? ` (expected one of ${subcommands.join(', ')})` : ''}`;
      })
      .join('; ');
  }
  m = /^Not enough arguments following: (.*)$/.exec(flat);
  if (m) return `--${m[1]} needs a value`;
  m = /^Missing required arguments?: ([^\s]*(?:, [^\s]*)*)/.exec(flat);
  if (m)
    return `missing ${(m[1] ?? '')
      .split(', ')
      .map((o) => `--${o}`)
      .join(' and ')}`;
  m = /^Invalid values: (.*)$/.exec(flat);
  if (m) {
    return (m[1] ?? '')
      .split(/\s*Argument: /)
      .filter(Boolean)
      .map((part) => {
        const arg = /^(\S+), Given: (.*), Choices: (.*)$/.exec(part);
        if (!arg) return part;
        return `--${arg[1]}: ${arg[2]} is not allowed (choose ${(arg[3] ?? '').replace(/"/g, '')})`;
      })
      .join('; ');
  }
  m = /^Did you mean (.*)\?$/.exec(flat);
  if (m) {
    const given = argv.find((a) => !a.startsWith('-'));
    return `unknown command "${given ?? ''}"; did you mean ${m[1]}?`;
  }
  m = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(flat);
  if (m) return `--${m[1]} and --${m[2]} cannot be used together`;
  if (/^name a command$/.test(flat)) return `name a command: ${subcommands.join(', ')}`;
  return flat;
}

/** The commands named at the start of argv, outermost first (`stack up` → [stack, up]). */
function commandPath(argv: readonly string[], commands: readonly HealthlakeCommand[]): HealthlakeCommand[] {
  const path: HealthlakeCommand[] = [];
  let level = commands;
  for (const token of argv) {
    if (token.startsWith('-')) continue;
    const next = level.find((c) => c.info.name === token);
    if (!next) break;
    path.push(next);
    level = next.info.subcommands;
  }
  // A group run without a sub-command uses its default one, whose options are the ones to suggest.
  const last = path.at(-1);
  const fallback = last?.info.subcommands.find((c) => c.info.name === '$0');
  if (fallback) path.push(fallback);
  return path;
}
