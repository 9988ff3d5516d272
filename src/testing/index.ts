/**
 * Test support for lnkit and for apps built on it: an in-memory LND network (`createFakeLnd`), an
 * LND simulator speaking LND's real gRPC protocol (`startLndSimulator`), an in-memory store, fixed
 * rates, a manual clock, and the runner-agnostic conformance cases of every port.
 * @module lnkit/testing
 */
export { createFakeLnd, FAKE_CHANNEL_CAPACITY_SAT } from './fake-lnd.js';
export type { FakeLnd, FakeLndOptions, FakeLndSimulate } from './fake-lnd.js';
export { lndClientFromSimNode } from './sim-lnd-client.js';
export type { SimLndClientOptions } from './sim-lnd-client.js';
export { createNetwork } from './network/network.js';
export { LndRpcError } from './network/types.js';
export type {
  AddChannelSpec,
  AddNodeSpec,
  ChannelPolicy,
  NetworkConfig,
  SimChannel,
  SimNetwork,
  SimNetworkName,
  SimNode,
  SimStream,
} from './network/types.js';
export {
  startLndSimulator,
  runSimCommand,
  DEFAULT_NODES as SIM_DEFAULT_NODES,
  DEFAULT_CHANNELS as SIM_DEFAULT_CHANNELS,
  type LndSimulator,
  type LndSimulatorOptions,
  type SimulatedNode,
  type NodeSpec,
  type ChannelSpec,
  type NodeCredentialPaths,
  type NodeFaults,
  type MacaroonKind,
  type SimCommandOptions,
} from './simulator/index.js';
export { createManualClock } from './manual-clock.js';
export type { ManualClock } from './manual-clock.js';
export { createMemoryStore } from '../store/memory/index.js';
export { createFixedRates, createFixedSource } from '../rates/fixed.js';
export type { FixedRatesOptions, FixedSourceOptions } from '../rates/fixed.js';
export {
  storeConformanceCases,
  runStoreConformance,
  sharedStoreConformanceCases,
  runSharedStoreConformance,
} from '../store/conformance.js';
export type { StoreConformanceCase, SharedStoreConformanceCase, OpenStorePair } from '../store/conformance.js';
export { lndClientConformanceCases } from '../lnd/conformance.js';
export type { LndConformanceCase, LndConformanceContext } from '../lnd/conformance.js';
export { rateProviderConformanceCases } from '../rates/conformance.js';
export type { RateProviderConformanceCase, RateProviderConformanceOptions } from '../rates/conformance.js';
