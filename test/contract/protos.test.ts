import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { compareProtoRoots, parseProtos, readProtos } from './proto-compare.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const oursDir = path.join(repo, 'protos');
const upstreamDir = path.join(repo, 'node_modules/@lightningpolar/lnd-api/protos');
const ourSources = readProtos(['lightning.proto', 'router.proto', 'invoices.proto'].map((f) => path.join(oursDir, f)));
const upstreamSources = readProtos(
  ['lightning.proto', 'routerrpc/router.proto', 'invoicesrpc/invoices.proto'].map((f) => path.join(upstreamDir, f)),
);

const EXPECTED_RPCS = {
  'lnrpc.Lightning': [
    'AddInvoice',
    'ChannelBalance',
    'DecodePayReq',
    'GetChanInfo',
    'GetInfo',
    'ListChannels',
    'ListInvoices',
    'ListPayments',
    'LookupInvoice',
    'QueryRoutes',
    'SubscribeInvoices',
  ],
  'routerrpc.Router': ['SendPaymentV2', 'TrackPaymentV2'],
  'invoicesrpc.Invoices': [
    'AddHoldInvoice',
    'CancelInvoice',
    'LookupInvoiceV2',
    'SettleInvoice',
    'SubscribeSingleInvoice',
  ],
};

describe('vendored LND protos', () => {
  const ours = parseProtos(ourSources);
  const upstream = parseProtos(upstreamSources);

  it('are a faithful subset of LND v0.20.0 (messages, fields, enums, RPCs)', () => {
    expect(compareProtoRoots(ours, upstream)).toEqual([]);
  });

  it('declare exactly the RPCs lnkit uses, with upstream streaming kinds', () => {
    for (const [service, rpcs] of Object.entries(EXPECTED_RPCS)) {
      expect(Object.keys(ours.lookupService(service).methods).sort()).toEqual(rpcs);
    }
    expect(ours.lookupService('lnrpc.Lightning').methods['SubscribeInvoices']!.responseStream).toBe(true);
    expect(ours.lookupService('routerrpc.Router').methods['SendPaymentV2']!.responseStream).toBe(true);
  });

  it('keep the bare `import "lightning.proto"` and the MIT attribution', () => {
    for (const file of ['router.proto', 'invoices.proto'])
      expect(ourSources.get(file)).toContain('import "lightning.proto";');
    for (const text of ourSources.values()) expect(text).toMatch(/MIT License/);
  });

  it('compare a meaningful number of types (the check is not vacuous)', () => {
    let messages = 0;
    const count = (ns: protobuf.NamespaceBase): void => {
      for (const n of ns.nestedArray) {
        if (n instanceof protobuf.Type) messages++;
        if (n instanceof protobuf.Namespace || n instanceof protobuf.Type) count(n as protobuf.NamespaceBase);
      }
    };
    count(ours);
    expect(messages).toBeGreaterThan(50);
  });

  it.each([
    [
      'a changed field number',
      (t: string) => t.replace('bytes r_preimage = 3;', 'bytes r_preimage = 33;'),
      /lnrpc\.Invoice\.r_preimage/,
    ],
    [
      'a changed field type',
      (t: string) => t.replace('uint32 num_peers = 5;', 'uint64 num_peers = 5;'),
      /GetInfoResponse\.num_peers/,
    ],
    [
      'a dropped repeated label',
      (t: string) => t.replace('repeated Hop hops = 4;', 'Hop hops = 4;'),
      /lnrpc\.Route\.hops/,
    ],
    [
      'a changed enum value',
      (t: string) => t.replace('SETTLED = 1;', 'SETTLED = 7;'),
      /enum lnrpc\.Invoice\.InvoiceState/,
    ],
    [
      'a dropped field',
      (t: string) => t.replace('bool is_keysend = 25;', ''),
      /lnrpc\.Invoice\.is_keysend: missing in ours/,
    ],
    [
      'a renamed field',
      (t: string) => t.replace('uint64 add_index = 16;', 'uint64 addIndex = 16;'),
      /lnrpc\.Invoice\.addIndex: not upstream/,
    ],
    [
      'a streaming RPC made unary',
      (t: string) => t.replace('returns (stream Invoice)', 'returns (Invoice)'),
      /SubscribeInvoices/,
    ],
  ])('detects %s', (_label, mutate, expected) => {
    const original = ourSources.get('lightning.proto')!;
    const mutated = mutate(original);
    expect(mutated).not.toBe(original);
    const modified = new Map(ourSources);
    modified.set('lightning.proto', mutated);
    const problems = compareProtoRoots(parseProtos(modified), upstream);
    expect(problems.join('\n')).toMatch(expected);
  });
});
