/**
 * Glue between commander actions and sessions: each action gets a session opened with the merged
 * global options, and the session is closed when the action ends, whatever happens.
 */
import type { Command } from 'commander';
import type { GlobalOptions } from './config.js';
import { openSession, type CliIo, type Session } from './session.js';

/** Wraps a command handler `(session, ...positionalArgs, localOptions)` into a commander action. */
export type CommandRunner = <A extends unknown[]>(
  handler: (session: Session, ...args: A) => Promise<void>,
) => (...args: unknown[]) => Promise<void>;

/** Creates the runner; `onSession` sees each session (for error messages that name the socket). */
export function createCommandRunner(io: CliIo, onSession: (session: Session) => void): CommandRunner {
  return (handler) =>
    async (...args) => {
      const command = args[args.length - 1] as Command;
      const session = openSession(io, command.optsWithGlobals<GlobalOptions>());
      onSession(session);
      try {
        await (handler as (session: Session, ...rest: unknown[]) => Promise<void>)(session, ...args.slice(0, -1));
      } finally {
        await session.close();
      }
    };
}
