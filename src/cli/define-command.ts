import type { Argv, CommandModule, InferredOptionType, Options, PositionalOptions } from 'yargs';
import { createContext, type CommandContext } from './context';
import { GLOBAL_OPTION_NAMES, type GlobalOptions } from './global-options';

/**
 * The command layer (after wrangler's `createCommand`). A command is declared once:
 *
 *   export const fooCommand = defineCommand({
 *     command: 'foo [files..]',
 *     describe: 'What it does, one line',
 *     positionals: { files: { type: 'string', array: true, describe: '…' } },
 *     options: { ...checkSourceOptions, json: jsonOption(), from: { ...timePointOption('Start'), default: '-7d' } },
 *     examples: [['$0 foo --from -30d', 'the last 30 days']],
 *     validate: (args) => { … },            // checks across options, no I/O; runs when only parsing too
 *     handler: async (args, ctx) => { … },  // args typed from the declarations; ctx: config, log, clients
 *   });
 *
 * and registered in src/commands/index.ts. The handler's argument types are inferred from the same objects
 * yargs parses with, so the two cannot disagree; nothing is cast in a command. Shared options come from
 * ./options.ts. Bad input is an InputError (exit 3, one line, naming the option); a `coerce` that throws is
 * reported with the option's name in front.
 */

type OptionMap = Readonly<Record<string, Options>>;
type PositionalMap = Readonly<Record<string, PositionalOptions>>;

/** The arguments a handler receives: the global options plus every declared option and positional, typed. */
export type CommandArgs<
  O extends OptionMap,
  P extends PositionalMap = Record<never, never>,
> = GlobalOptions & {
  readonly [K in keyof O]: InferredOptionType<O[K]>;
} & { readonly [K in keyof P]: InferredOptionType<P[K]> };

export interface CommandSpec<O extends OptionMap, P extends PositionalMap> {
  /** The yargs command string: the name, then positionals (`test-checks [files..]`), or `$0` for a default. */
  command: string;
  describe: string;
  options?: O;
  positionals?: P;
  /** Example command lines for --help; each one is parsed by a test, so they must stay valid. */
  examples?: ReadonlyArray<readonly [commandLine: string, meaning: string]>;
  epilog?: string;
  /** Checks across options that need no I/O (e.g. --from before --to). Throw an InputError. */
  validate?: (args: CommandArgs<O, P>) => void;
  handler: (args: CommandArgs<O, P>, ctx: CommandContext) => void | Promise<void>;
}

/** What the layer knows about a command, for --help tests, did-you-mean and the example test. */
export interface CommandInfo {
  /** The command's name (`$0` for a group's default sub-command). */
  name: string;
  describe: string;
  options: readonly string[];
  positionals: readonly string[];
  examples: readonly string[];
  subcommands: readonly HealthlakeCommand[];
}

export interface HealthlakeCommand extends CommandModule<GlobalOptions, GlobalOptions> {
  readonly info: CommandInfo;
}

/**
 * Key of the parse context that turns handlers off: `cli.parseAsync(args, { [PARSE_ONLY]: callback })` runs
 * the real parser, coercions and `validate`, then hands the arguments to the callback instead of the handler.
 */
export const PARSE_ONLY = 'healthlake-parse-only';
export type ParsedCallback = (command: string, args: Record<string, unknown>) => void;

export function defineCommand<
  const O extends OptionMap,
  const P extends PositionalMap = Record<never, never>,
>(spec: CommandSpec<O, P>): HealthlakeCommand {
  const name = commandName(spec.command);
  return {
    command: spec.command,
    describe: spec.describe,
    builder: (y: Argv<GlobalOptions>) => {
      let b = y;
      for (const [key, option] of Object.entries(spec.positionals ?? {}))
        b = b.positional(key, named(option, key));
      b = b.options(
        Object.fromEntries(Object.entries(spec.options ?? {}).map(([k, o]) => [k, named(o, `--${k}`)])),
      );
      const own = Object.keys(spec.options ?? {});
      if (own.length > 0) b = b.group(own, 'Options:');
      b = b.group(GLOBAL_OPTION_NAMES, 'Global options:');
      for (const [line, meaning] of spec.examples ?? []) b = b.example(line, meaning);
      if (spec.epilog) b = b.epilog(spec.epilog);
      return b;
    },
    handler: async (argv) => {
      // The one place where yargs' untyped result meets the declared types, which were derived from the very
      // objects yargs parsed with.
      const args = argv as unknown as CommandArgs<O, P>;
      spec.validate?.(args);
      const onParsed = (argv as Record<string, unknown>)[PARSE_ONLY];
      if (typeof onParsed === 'function') {
        (onParsed as ParsedCallback)(name, argv as Record<string, unknown>);
        return;
      }
      await spec.handler(args, createContext(args));
    },
    info: {
      name,
      describe: spec.describe,
      options: Object.keys(spec.options ?? {}),
      positionals: Object.keys(spec.positionals ?? {}),
      examples: (spec.examples ?? []).map(([line]) => line),
      subcommands: [],
    },
  };
}

/**
 * A command with sub-commands (`stack up|down|status`, `auth` + `auth status`). Without one, `bare` runs:
 * a sub-command declared with `$0`, or else the list of sub-commands is printed.
 */
export function defineCommandGroup(spec: {
  command: string;
  describe: string;
  subcommands: readonly HealthlakeCommand[];
  epilog?: string;
}): HealthlakeCommand {
  const name = commandName(spec.command);
  const hasDefault = spec.subcommands.some((c) => c.info.name === '$0');
  const list = defineCommand({
    command: '$0',
    describe: `List the ${name} sub-commands`,
    handler: () => {
      const named = spec.subcommands.filter((c) => c.info.name !== '$0');
      const width = Math.max(...named.map((c) => c.info.name.length));
      console.log(`healthlake ${name}: ${spec.describe}\n`);
      for (const c of named)
        console.log(`  healthlake ${name} ${c.info.name.padEnd(width)}  ${c.info.describe}`);
      console.log(`\nRun "healthlake ${name} <sub-command> --help" for its options.`);
    },
  });
  // Hidden from help and completion: it is what the bare group name does.
  const subcommands = hasDefault
    ? spec.subcommands
    : [...spec.subcommands, { ...list, describe: false as const }];
  return {
    command: spec.command,
    describe: spec.describe,
    builder: (y: Argv<GlobalOptions>) => {
      let b = y;
      for (const c of subcommands) b = b.command(c);
      if (spec.epilog) b = b.epilog(spec.epilog);
      return b;
    },
    handler: () => undefined, // never runs: a sub-command (or the default one) always matches
    info: {
      name,
      describe: spec.describe,
      options: [],
      positionals: [],
      examples: [],
      subcommands,
    },
  };
}

function commandName(command: string): string {
  return command.trim().split(/\s+/)[0] ?? command;
}

/** The option with its `coerce` errors prefixed by the option's name (`--from: "x" is not a date`). */
function named<T extends Options | PositionalOptions>(option: T, label: string): T {
  const coerce = option.coerce as ((value: unknown) => unknown) | undefined;
  if (!coerce) return option;
  return {
    ...option,
    coerce: (value: unknown) => {
      if (value === undefined) throw new Error(`${label} needs a value`);
      try {
        return coerce(value);
      } catch (err) {
        throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}
