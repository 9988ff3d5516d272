/**
 * LND's macaroon permissions: the ops baked into the default macaroons and the ops each RPC needs
 * (`rpcserver.go` permissions map, `invoicesrpc/invoices_server.go`, `routerrpc/router_server.go`).
 */
import type { MacaroonOp } from './macaroons.js';

/** The default macaroon files LND writes. */
export type MacaroonKind = 'admin' | 'invoice' | 'readonly';

const rw = ['read', 'write'] as const;

/** Ops of each default macaroon, grouped per entity as the bakery encodes them. */
export const MACAROON_OPS: Readonly<Record<MacaroonKind, readonly MacaroonOp[]>> = {
  admin: [
    { entity: 'address', actions: rw },
    { entity: 'info', actions: rw },
    { entity: 'invoices', actions: rw },
    { entity: 'macaroon', actions: ['generate', 'read', 'write'] },
    { entity: 'message', actions: rw },
    { entity: 'offchain', actions: rw },
    { entity: 'onchain', actions: rw },
    { entity: 'peers', actions: rw },
    { entity: 'signer', actions: ['generate', 'read'] },
  ],
  invoice: [
    { entity: 'address', actions: rw },
    { entity: 'invoices', actions: rw },
    { entity: 'onchain', actions: ['read'] },
  ],
  readonly: ['address', 'info', 'invoices', 'macaroon', 'message', 'offchain', 'onchain', 'peers', 'signer'].map(
    (entity) => ({
      entity,
      actions: ['read'],
    }),
  ),
};

const need = (entity: string, action: string): readonly MacaroonOp[] => [{ entity, actions: [action] }];

/** Permission each simulated RPC requires, keyed by the gRPC method path. */
export const RPC_PERMISSIONS: Readonly<Record<string, readonly MacaroonOp[]>> = {
  '/lnrpc.Lightning/GetInfo': need('info', 'read'),
  '/lnrpc.Lightning/AddInvoice': need('invoices', 'write'),
  '/lnrpc.Lightning/LookupInvoice': need('invoices', 'read'),
  '/lnrpc.Lightning/ListInvoices': need('invoices', 'read'),
  '/lnrpc.Lightning/SubscribeInvoices': need('invoices', 'read'),
  '/lnrpc.Lightning/ListChannels': need('offchain', 'read'),
  '/lnrpc.Lightning/ChannelBalance': need('offchain', 'read'),
  '/lnrpc.Lightning/DecodePayReq': need('offchain', 'read'),
  '/lnrpc.Lightning/QueryRoutes': need('info', 'read'),
  '/lnrpc.Lightning/GetChanInfo': need('info', 'read'),
  '/lnrpc.Lightning/ListPayments': need('offchain', 'read'),
  '/routerrpc.Router/SendPaymentV2': need('offchain', 'write'),
  '/routerrpc.Router/TrackPaymentV2': need('offchain', 'read'),
  '/invoicesrpc.Invoices/AddHoldInvoice': need('invoices', 'write'),
  '/invoicesrpc.Invoices/SettleInvoice': need('invoices', 'write'),
  '/invoicesrpc.Invoices/CancelInvoice': need('invoices', 'write'),
  '/invoicesrpc.Invoices/SubscribeSingleInvoice': need('invoices', 'read'),
  // Sic: LND guards LookupInvoiceV2 with invoices:write.
  '/invoicesrpc.Invoices/LookupInvoiceV2': need('invoices', 'write'),
};
