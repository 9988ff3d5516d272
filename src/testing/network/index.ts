/**
 * The in-memory Lightning network model shared by `createFakeLnd` and the gRPC simulator.
 */
export { createNetwork } from './network.js';
export { LndRpcError } from './rpc-error.js';
export type * from './types.js';
