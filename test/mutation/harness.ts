/**
 * The mutation test of a conformance suite: deliberately broken adapters ("mutants") must each be
 * killed by the cases they name, and every case must kill at least one mutant. A kill counts only
 * when the case fails on an assertion (node:assert) — a case that trips over a TypeError or an
 * adapter error did not notice the bug, it crashed into it.
 */
import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';

/** A broken adapter: what is wrong, the cases that must catch it, and how to break a correct one. */
export interface Mutant<Target> {
  /** The bug, in plain words. */
  readonly name: string;
  /** Names of the cases that must each fail on it. */
  readonly killedBy: readonly string[];
  /** Breaks a correct adapter. */
  wrap(target: Target): Target;
}

/** What {@link describeMutation} needs. */
export interface MutationSuite<Target> {
  /** Every case of the suite under test. */
  readonly cases: readonly { readonly name: string }[];
  readonly mutants: readonly Mutant<Target>[];
  /** Runs the case named `name` on a fresh correct adapter, passed through `wrap` when given. */
  run(name: string, wrap?: (target: Target) => Target): Promise<void>;
  /** Where the mutants live, for the failure message. */
  readonly mutantsFile: string;
}

const isAssertion = (error: unknown): boolean =>
  error instanceof AssertionError || (error as { code?: unknown } | null)?.code === 'ERR_ASSERTION';

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);

/** Registers the mutation test of one suite with vitest. */
export function describeMutation<Target>(title: string, suite: MutationSuite<Target>): void {
  describe(title, () => {
    it('every case kills a mutant, every mutant names existing cases, mutant names are unique', () => {
      const names = new Set(suite.cases.map((c) => c.name));
      const unknown = suite.mutants.flatMap((m) =>
        m.killedBy.filter((n) => !names.has(n)).map((n) => `${m.name} → ${n}`),
      );
      expect(unknown, 'mutants naming cases that do not exist').toEqual([]);
      const killers = new Set(suite.mutants.flatMap((m) => m.killedBy));
      const unguarded = suite.cases.map((c) => c.name).filter((n) => !killers.has(n));
      expect(unguarded, `cases no mutant proves able to fail: add a mutant to ${suite.mutantsFile}`).toEqual([]);
      const mutantNames = suite.mutants.map((m) => m.name);
      expect(
        mutantNames.filter((n, i) => mutantNames.indexOf(n) !== i),
        'duplicate mutant names',
      ).toEqual([]);
      expect(
        suite.mutants.filter((m) => m.killedBy.length === 0).map((m) => m.name),
        'mutants without a case',
      ).toEqual([]);
    });

    it('every case passes on the correct adapter (so a failure on a mutant is the mutant’s doing)', async () => {
      const failures: string[] = [];
      for (const c of suite.cases)
        await suite.run(c.name).catch((e: unknown) => failures.push(`${c.name}: ${describeError(e)}`));
      expect(failures).toEqual([]);
    });

    for (const mutant of suite.mutants) {
      it(`mutant killed: ${mutant.name}`, async () => {
        const problems: string[] = [];
        for (const name of mutant.killedBy) {
          const error = await suite
            .run(name, (target) => mutant.wrap(target))
            .then(
              () => undefined,
              (e: unknown) => e ?? new Error('rejected with no value'),
            );
          if (error === undefined) problems.push(`survived "${name}"`);
          else if (!isAssertion(error))
            problems.push(`"${name}" failed only through an incidental ${describeError(error)}, not an assertion`);
        }
        expect(problems).toEqual([]);
      });
    }
  });
}
