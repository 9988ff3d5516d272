/**
 * BOLT11 decode with the signature checked (payee key recovered), next to bitcoinjs `bolt11`
 * (libsecp256k1 through the `secp256k1` native binding) in the same run.
 */
import { createRequire } from 'node:module';
import { decodeBolt11, encodeBolt11 } from '../../src/bolt11/index.js';
import { nobleBackend, secp256k1Backend, useSecp256k1Backend } from '../../src/bolt11/secp256k1.js';
import { type Figure, interleave, opsPerSecond, ratioFigure } from '../harness.js';

const require = createRequire(import.meta.url);
const peer = require('bolt11') as { decode(request: string): { payeeNodeKey?: string; satoshis?: number | null } };

/** A mainnet invoice as LND issues it (no `n` field: the payee key is recovered). */
export function sampleRequest(): string {
  return encodeBolt11(
    {
      network: 'bc',
      amountMsat: 22_806_000n,
      timestamp: 1_700_000_000,
      paymentHash: '11'.repeat(32),
      paymentSecret: '22'.repeat(32),
      description: 'bench',
      expirySeconds: 3600,
      minFinalCltvExpiry: 80,
      features: [8, 14, 17],
    },
    'e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734',
  );
}

/** The bolt11 group's figures. */
export async function benchBolt11(rounds: number): Promise<Figure[]> {
  const request = sampleRequest();
  const expected = decodeBolt11(request).payeeNodeKey;
  if (peer.decode(request).payeeNodeKey !== expected) throw new Error('bitcoinjs bolt11 recovered another payee key');
  const n = 2_000;
  const lnkit = { name: 'lnkit', run: () => opsPerSecond(n, () => decodeBolt11(request)) };
  const bitcoinjs = { name: 'bolt11', run: () => opsPerSecond(n, () => peer.decode(request)) };
  const backend = secp256k1Backend().name;
  const decode = await interleave(lnkit, bitcoinjs, { rounds });
  const unverified = await interleave(
    { name: 'lnkit', run: () => opsPerSecond(n * 10, () => decodeBolt11(request, { verify: false })) },
    bitcoinjs,
    { rounds },
  );
  useSecp256k1Backend(nobleBackend);
  const noble = await interleave(
    { name: 'lnkit on noble', run: () => opsPerSecond(n / 4, () => decodeBolt11(request)) },
    bitcoinjs,
    {
      rounds,
    },
  );
  useSecp256k1Backend(undefined);
  return [
    ratioFigure('bolt11.decode', `BOLT11 decode, signature checked (lnkit on ${backend} / bitcoinjs bolt11)`, decode, {
      subject: 'lnkit',
      baseline: 'bolt11',
      unit: '/s',
    }),
    ratioFigure(
      'bolt11.decode-unverified',
      'BOLT11 decode { verify: false } / bitcoinjs bolt11 (checked)',
      unverified,
      {
        subject: 'lnkit',
        baseline: 'bolt11',
        unit: '/s',
      },
    ),
    ratioFigure('bolt11.decode-noble', 'BOLT11 decode on the noble fallback / bitcoinjs bolt11', noble, {
      subject: 'lnkit on noble',
      baseline: 'bolt11',
      unit: '/s',
    }),
  ];
}
