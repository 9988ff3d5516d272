/**
 * @module lnkit/testing simulator: simulated LND nodes behind real gRPC servers (TLS + macaroons).
 */
export {
  startLndSimulator,
  type ChannelSpec,
  type LndSimulator,
  type LndSimulatorOptions,
  type NodeCredentialPaths,
  type NodeSpec,
  type SimulatedNode,
} from './simulator.js';
export type { NodeFaults } from './node-server.js';
export type { MacaroonKind } from './permissions.js';
export { runSimCommand, type SimCommandOptions } from './sim-command.js';
export {
  CYCLE_CHANNELS,
  DEFAULT_CHANNELS,
  DEFAULT_NODES,
  SIMULATOR_PRESETS,
  type SimulatorPreset,
} from './default-network.js';
