/**
 * @module lnkit/bolt11 — BOLT11 payment request codec: decode with signature check or payee-key
 * recovery, encode with LND's field set. Built on @noble/curves, @noble/hashes and @scure/base only.
 */
export { decodeBolt11, isBolt11Expired } from './decode.js';
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
} from './types.js';
