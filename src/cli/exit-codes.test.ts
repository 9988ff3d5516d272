import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  CircuitOpenError,
  InvalidStateTransitionError,
  InvoiceNotFoundError,
  LndAuthenticationError,
  LndConnectionError,
  LndPermissionError,
  LndTimeoutError,
  LndUnavailableError,
  PaymentNotFoundError,
  RateUnavailableError,
  StoreError,
  ValidationError,
  WebhookNotFoundError,
} from '../errors.js';
import { CommandFailedError, EXIT_CODES, exitCodeFor } from './exit-codes.js';

const abort = Object.assign(new Error('interrupted'), { name: 'AbortError' });

describe('exitCodeFor', () => {
  it.each<[string, unknown, number]>([
    ['usage (commander)', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), 2],
    ['missing command', new CommanderError(1, 'commander.help', ''), 2],
    ['--help', new CommanderError(0, 'commander.helpDisplayed', ''), 0],
    ['--version', new CommanderError(0, 'commander.version', ''), 0],
    ['invalid input', new ValidationError('amountEur', 'expected a positive EUR amount, got -3'), 2],
    ['LND unavailable', new LndUnavailableError(), 3],
    ['LND connection', new LndConnectionError('bad address'), 3],
    ['LND timeout', new LndTimeoutError(), 3],
    ['circuit open', new CircuitOpenError(), 3],
    ['authentication', new LndAuthenticationError(), 4],
    ['permission', new LndPermissionError(), 4],
    ['invoice not found', new InvoiceNotFoundError(), 5],
    ['payment not found', new PaymentNotFoundError(), 5],
    ['webhook not found', new WebhookNotFoundError(), 5],
    ['rate unavailable', new RateUnavailableError(), 1],
    ['store', new StoreError('disk full'), 1],
    ['state transition', new InvalidStateTransitionError('settled', 'cancelled'), 1],
    ['command failed', new CommandFailedError('invoice expired'), 1],
    ['command failed with a code', new CommandFailedError('LND down', EXIT_CODES.lndUnreachable), 3],
    ['interrupted', abort, 130],
    ['plain error', new Error('boom'), 1],
    ['a thrown string', 'boom', 1],
  ])('%s → %i', (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});
