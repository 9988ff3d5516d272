/**
 * BOLT11 payment request codec: decode with signature check or payee-key
 * recovery, encode with LND's field set. Elliptic-curve work runs on libsecp256k1 (the optional native
 * `secp256k1` binding) when it loads, else on @noble/curves; no storage or gRPC code.
 * @module lnkit/bolt11
 */
export { decodeBolt11, isBolt11Expired } from './decode.js';
export type { DecodeBolt11Options } from './decode.js';
export { encodeBolt11 } from './encode.js';
export { bolt11NetworkToLnd } from './networks.js';
export { Bolt11Error } from '../errors.js';
export type {
  Bolt11Feature,
  Bolt11FallbackAddress,
  Bolt11Fields,
  Bolt11Network,
  Bolt11RouteHop,
  Bolt11UnknownTag,
  DecodedBolt11,
  UnverifiedBolt11,
} from './types.js';
