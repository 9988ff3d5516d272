/**
 * The real LND adapter: `createLndClient` (gRPC over TLS with a macaroon) and lndconnect URI helpers.
 * @module lnkit/lnd
 */
export { createLndClient, type GrpcLndClient } from './grpc/lnd-grpc-client.js';
export type { LndClientConfig, LndClientOptions } from './grpc/client-config.js';
export { formatLndconnect, parseLndconnect, type LndconnectParts } from './grpc/connect-config.js';
export type { CircuitStateName } from './grpc/policies.js';
export type * from './lnd-client.js';
