/** eurToMsat conversions per second (exact integer arithmetic, no peer). */
import { eurToMsat } from '../../src/domain/amount.js';
import { type Figure, load, opsPerSecond } from '../harness.js';

/** The amounts group's figures. */
export function benchAmounts(): Figure[] {
  let acc = 0n;
  const prices = Array.from({ length: 1000 }, (_, i) => (i * 7.31 + 0.01).toFixed(2));
  const perSecond = opsPerSecond(200_000, (i) => (acc += eurToMsat(prices[i % 1000]!, '87654.32')));
  if (acc < 0n) throw new Error('unreachable');
  return [
    {
      id: 'amounts.eur-to-msat',
      label: 'eurToMsat (string EUR, exact ceil to the sat)',
      value: perSecond,
      unit: '/s',
      detail: load(),
    },
  ];
}
