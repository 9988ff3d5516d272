/**
 * The `lnkit` commander program and `runCli`, which runs it and turns any error into a one-line
 * reason on stderr and an exit code (see exit-codes.ts). Never a stack trace, never a secret.
 */
import { Command, CommanderError, Option } from 'commander';
import { isLightningError } from '../errors.js';
import { redact, DEFAULT_TIMEOUT_SECONDS } from './config.js';
import { EXIT_CODES, exitCodeFor, isTlsMismatch, type ExitCode } from './exit-codes.js';
import { createCommandRunner } from './run-command.js';
import type { CliIo, Session } from './session.js';
import { registerChannels } from './commands/channels.js';
import { registerDb } from './commands/db.js';
import { registerHealth } from './commands/health.js';
import { registerInvoice } from './commands/invoice.js';
import { registerLiquidity } from './commands/liquidity.js';
import { registerPay } from './commands/pay.js';
import { registerSim } from './commands/sim.js';
import { registerStatus } from './commands/status.js';
import { registerWebhooks } from './commands/webhooks.js';

/** The version printed by `lnkit --version` (kept in step with package.json by a test). */
export const CLI_VERSION = '0.1.0';

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new CommanderError(
      EXIT_CODES.usage,
      'commander.invalidArgument',
      `error: --timeout: expected a positive number of seconds, got ${JSON.stringify(value)}`,
    );
  return n;
}

/**
 * Builds the program. Global options are declared once here and shown in every command's `--help`.
 * `exitOverride()` makes commander throw instead of exiting, so `runCli` owns the exit code.
 */
export function buildProgram(io: CliIo, onSession: (session: Session) => void = () => undefined): Command {
  const program = new Command('lnkit')
    .description('Accept and send Lightning payments priced in EUR through LND.')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .option('--json', 'print one JSON document on stdout (bigint as strings, dates as ISO)')
    .addOption(new Option('--lndconnect <uri>', 'lndconnect://host:port?cert=…&macaroon=… (env LNDCONNECT)'))
    .addOption(new Option('--host <host:port>', 'LND gRPC address (env LIGHTNING_HOST; default localhost:10009)'))
    .addOption(new Option('--cert <path>', 'LND tls.cert path or PEM (env LIGHTNING_CERT_PATH)'))
    .addOption(new Option('--macaroon <path>', 'macaroon path or hex (env LIGHTNING_MACAROON_PATH)'))
    .addOption(
      new Option('--node <name>', 'several nodes: the node to act on, one of LIGHTNING_NODES (env LNDCONNECT_<NAME>…)'),
    )
    .addOption(new Option('--db <file|url>', 'SQLite file or postgres:// URL (env LIGHTNING_DB; default ./lnkit.db)'))
    .addOption(
      new Option(
        '--rate <eur-per-btc>',
        'fixed BTC/EUR rate instead of Kraken+Bitstamp+Coinbase (env LIGHTNING_FIXED_RATE)',
      ),
    )
    .addOption(
      new Option('--timeout <seconds>', `deadline of each LND call (default ${DEFAULT_TIMEOUT_SECONDS})`).argParser(
        parseSeconds,
      ),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 other failure, 2 usage, 3 LND unreachable, 4 authentication or TLS certificate, 5 not found, 130 interrupted.\n' +
        'Docs: docs/cli.md in the lnkit package (node_modules/lnkit/docs/cli.md once installed).',
    );
  const run = createCommandRunner(io, onSession);
  registerStatus(program, run);
  registerInvoice(program, run);
  registerPay(program, run);
  registerChannels(program, run);
  registerLiquidity(program, run);
  registerHealth(program, run);
  registerWebhooks(program, run);
  registerDb(program, run);
  registerSim(program, run);
  return program;
}

function reasonOf(error: unknown, code: ExitCode, session: Session | null): string {
  const message = error instanceof Error ? error.message : String(error);
  const socket = session?.connection?.socket;
  if (code === EXIT_CODES.lndUnreachable) return `LND unreachable${socket ? ` at ${socket}` : ''}: ${message}`;
  if (isTlsMismatch(error))
    return `TLS certificate does not match the node${socket ? ` at ${socket}` : ''} (is --cert this node's tls.cert?): ${message}`;
  if (code === EXIT_CODES.authentication)
    return `LND refused the credentials${socket ? ` at ${socket}` : ''}: ${message}`;
  if (isLightningError(error) && code === EXIT_CODES.other && !message.includes(error.code))
    return `${message} (${error.code})`;
  return message;
}

/** The one-line reason printed for `error` (secrets redacted, whitespace collapsed). */
export function describeError(error: unknown, session: Session | null): string {
  const line = reasonOf(error, exitCodeFor(error), session)
    .replace(/\s*\n\s*/g, ' ')
    // grpc-js ends connection errors with an empty "Resolution note:".
    .replace(/\s*Resolution note:\s*$/, '')
    .trim();
  return redact(line, session?.connection?.secrets ?? []);
}

/**
 * Runs `lnkit` with `argv` (the arguments after the program name) and returns the exit code.
 * @example process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let session: Session | null = null;
  const program = buildProgram(io, (s) => {
    session = s;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    const code = exitCodeFor(error);
    // Commander has already printed its message (and the help) for usage errors.
    if (!(error instanceof CommanderError)) io.stderr.write(`lnkit: ${describeError(error, session)}\n`);
    return code;
  }
}
