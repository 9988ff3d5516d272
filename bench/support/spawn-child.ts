/** Starts bench/support/child.ts in its own process and talks to it. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A running helper process. */
export interface BenchChild {
  readonly socket: string;
  readonly cert: string;
  readonly macaroon: string;
  /** Bob pays each request (simulator child only); resolves with the number that succeeded. */
  pay(requests: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

/** Forks the helper in `mode` and waits until it serves. */
export async function spawnChild(mode: 'sim' | 'noop'): Promise<BenchChild> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [mode], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>): void => {
        if (message.error !== undefined) reject(new Error(String(message.error)));
        else if (key in message) resolve(message as T);
        else return;
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onExit = (code: number | null): void => reject(new Error(`bench child (${mode}) exited with ${code}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next<{ socket: string; cert: string; macaroon: string }>('ready');
  return {
    socket: ready.socket,
    cert: ready.cert,
    macaroon: ready.macaroon,
    async pay(requests) {
      const answer = next<{ paid: number }>('paid');
      child.send({ pay: requests });
      return (await answer).paid;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ stop: true });
      await exited;
    },
  };
}
