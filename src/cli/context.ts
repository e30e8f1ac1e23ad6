import readline from 'node:readline';
import { GraphiteClient } from '../clients/graphite';
import { GraphiteDashboardClient } from '../clients/graphite-dashboard';
import { SeyrenClient } from '../clients/seyren/client';
import { loadConfig, type Config } from '../config/config';
import { InputError } from '../errors';
import { createLogger, type LogFormat, type Logger } from '../util/log';
import { plainStyle, styleFor, type Style } from '../util/style';
import type { GlobalOptions } from './global-options';

/**
 * What every command handler is given besides its arguments: the merged configuration, a logger, the facts
 * about the terminal (colour, whether a person can answer a question) and the remote clients, built on first
 * use from the configuration. Tests build one with fakes (`testContext`) and call a handler directly.
 */
export interface CommandContext {
  readonly config: Config;
  readonly log: Logger;
  readonly terminal: Terminal;
  /** Remote clients, one per kind, created on first use. */
  readonly clients: Clients;
  /**
   * A one-line notice for the person running the command (e.g. which checks folder is used): printed on
   * stderr with text logs, an info record with JSON logs (cron logs stay parseable).
   */
  notice(message: string, fields?: Record<string, unknown>): void;
  /** Asks a yes/no question on the terminal. Never asks without one: then it answers false. */
  confirm(question: string): Promise<boolean>;
  /** The current directory, where ./checks and ./templates are looked for. */
  readonly cwd: string;
}

export interface Terminal {
  /** Colours for stdout: ANSI on a terminal, none with NO_COLOR or off a terminal. */
  readonly style: Style;
  /** Whether a person can be asked a question: stdin and stderr are both terminals. */
  readonly interactive: boolean;
  readonly logFormat: LogFormat;
}

export interface Clients {
  graphite(): GraphiteClient;
  graphiteDashboards(): GraphiteDashboardClient;
  /** Throws a usage error naming SEYREN_URL when it is not set. */
  seyren(): SeyrenClient;
  /** SEYREN_URL, or the same usage error (nothing can be read from Seyren without it). */
  seyrenUrl(): string;
}

/** The streams a context talks to; the process's by default. */
export interface ContextIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

export function processIo(): ContextIo {
  return {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
  };
}

export function createContext(args: GlobalOptions, io: ContextIo = processIo()): CommandContext {
  const config = loadConfig({ file: args.config, env: io.env });
  const logFormat = args['log-format'] ?? config.log.format ?? (io.stderr.isTTY ? 'text' : 'json');
  // On a terminal the command's own output says what happened; routine info records would only repeat it.
  const level = args['log-level'] ?? config.log.level ?? (logFormat === 'json' ? 'info' : 'warn');
  const log = createLogger({ level, format: logFormat, style: styleFor(io.stderr, io.env) });
  const interactive = io.stdin.isTTY === true && io.stderr.isTTY === true;
  return {
    config,
    log,
    cwd: io.cwd,
    terminal: { style: styleFor(io.stdout, io.env), interactive, logFormat },
    clients: configuredClients(config, log),
    notice(message, fields) {
      if (logFormat === 'json') log.info(fields ?? {}, message);
      else if (log.isLevelEnabled('warn')) io.stderr.write(`healthlake: ${message}\n`);
    },
    confirm: (question) => (interactive ? askYesNo(question, io) : Promise.resolve(false)),
  };
}

/** Clients built from the configuration, each once. */
export function configuredClients(config: Config, log: Logger): Clients {
  const once = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const graphiteOptions = { baseUrl: config.graphiteUrl, auth: config.graphiteAuth, logger: log };
  const seyrenUrl = () => {
    if (!config.seyrenUrl) {
      throw InputError.single(
        'SEYREN_URL is not set (environment or config file), e.g. http://localhost:8080/seyren',
      );
    }
    return config.seyrenUrl;
  };
  return {
    graphite: once(() => new GraphiteClient(graphiteOptions)),
    graphiteDashboards: once(() => new GraphiteDashboardClient(graphiteOptions)),
    seyrenUrl,
    seyren: once(() => new SeyrenClient({ baseUrl: seyrenUrl(), auth: config.seyrenAuth, logger: log })),
  };
}

function askYesNo(question: string, io: ContextIo): Promise<boolean> {
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr });
  return new Promise((resolve) => {
    rl.question(`${question} [y/N] `, (answer) => {
      resolve(/^\s*y(es)?\s*$/i.test(answer)); // before close(), whose event answers "no"
      rl.close();
    });
    rl.once('close', () => resolve(false)); // end of input (Ctrl-D) is a no
  });
}

/** A context for tests: given config and clients, no terminal, everything else quiet. */
export function testContext(parts: Partial<CommandContext> & Pick<CommandContext, 'config'>): CommandContext {
  const log = parts.log ?? createLogger({ level: 'silent' });
  return {
    log,
    cwd: process.cwd(),
    terminal: { style: plainStyle, interactive: false, logFormat: 'json' },
    clients: configuredClients(parts.config, log),
    notice: () => undefined,
    confirm: () => Promise.resolve(false),
    ...parts,
  };
}
