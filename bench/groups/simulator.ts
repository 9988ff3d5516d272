/**
 * The simulator stays linear: 20,000 invoices created by alice and paid by bob in one in-process
 * network (the model behind `createFakeLnd`, `startLndSimulator` and `lnkit sim`), timed per chunk of
 * 2,000. The checked value is last chunk / first chunk (a simulator that scans every record per RPC
 * grows with the number of invoices; one with a deadline queue does not).
 */
import { createFakeLnd } from '../../src/testing/fake-lnd.js';
import { type Figure, fmt, load } from '../harness.js';

/** The simulator group's figures. */
export async function benchSimulator(total = 20_000, chunk = 2_000): Promise<Figure[]> {
  const fake = createFakeLnd();
  const perChunk: number[] = [];
  for (let done = 0; done < total; done += chunk) {
    const started = performance.now();
    for (let i = 0; i < chunk; i++) {
      const invoice = await fake.lnd.addInvoice({ valueMsat: 1000n, memo: `sim ${done + i}` });
      const payment = await fake.simulate.pay(invoice.paymentRequest);
      if (payment.status !== 'SUCCEEDED') throw new Error(`payment ${done + i} ended ${payment.status}`);
    }
    perChunk.push(performance.now() - started);
  }
  const first = perChunk[0]!;
  const last = perChunk[perChunk.length - 1]!;
  return [
    {
      id: 'simulator.linear',
      label: `simulator: last / first ${fmt(chunk)} of ${fmt(total)} invoices created + paid`,
      value: last / first,
      unit: '×',
      detail: `${fmt((total / perChunk.reduce((a, b) => a + b, 0)) * 1000)} invoices/s overall; chunks (ms) ${perChunk.map((ms) => fmt(ms)).join(' ')}; ${load()}`,
    },
  ];
}
