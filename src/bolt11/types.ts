/**
 * Public types of the BOLT11 codec (`lnkit/bolt11`).
 */

/** The bech32 currency prefix after `ln`: mainnet, testnet, signet (LND's `tbs`) or regtest. */
export type Bolt11Network = 'bc' | 'tb' | 'tbs' | 'bcrt';

/** One hop of a private route hint (`r` field). */
export interface Bolt11RouteHop {
  /** Node id (hex, 33-byte compressed key) at the start of the channel. */
  readonly pubkey: string;
  /** Short channel id as a decimal uint64 string (LND's `chan_id` form). */
  readonly shortChannelId: string;
  /** Base fee in msat (uint32). */
  readonly feeBaseMsat: number;
  /** Proportional fee in millionths (uint32). */
  readonly feeProportionalMillionths: number;
  /** CLTV delta of the channel (uint16). */
  readonly cltvExpiryDelta: number;
}

/** An on-chain fallback (`f` field): witness version 0–16, or 17 (P2PKH) / 18 (P2SH). */
export interface Bolt11FallbackAddress {
  /** 0–16 for a witness program, 17 for P2PKH, 18 for P2SH. */
  readonly version: number;
  /** The witness program, public key hash or script hash, hex. */
  readonly hex: string;
  /** The address string for the invoice's network, when the program is well-formed (decode only). */
  readonly address?: string;
}

/** One feature bit set in the `9` field. */
export interface Bolt11Feature {
  /** The feature's name (LND's naming) when the bit is known. */
  readonly name?: string;
  /** True for an even (compulsory) bit. */
  readonly isRequired: boolean;
}

/** A tagged field this decoder skipped: unknown type, unknown fallback version, or a `p`/`h`/`s`/`n` of the wrong length. */
export interface Bolt11UnknownTag {
  /** The 5-bit tag type (e.g. 9 for `f`, 2 for an unassigned type). */
  readonly tag: number;
  /** The field's data as 5-bit words. */
  readonly words: number[];
}

/** A decoded and signature-checked BOLT11 payment request. */
export interface DecodedBolt11 {
  /** The request, lower-cased and without a `lightning:` prefix. */
  readonly paymentRequest: string;
  /** The network from the prefix. */
  readonly network: Bolt11Network;
  /** The full human-readable part, e.g. `'lnbcrt2500u'`. */
  readonly prefix: string;
  /** The amount in msat, or `null` for an any-amount invoice. */
  readonly amountMsat: bigint | null;
  /** Creation time, unix seconds. */
  readonly timestamp: number;
  /** Payment hash, hex. */
  readonly paymentHash: string;
  /** Payment secret (`s` field), hex. Always present on a decoded invoice (the spec requires it). */
  readonly paymentSecret: string | null;
  /** The `d` field, or `null`. */
  readonly description: string | null;
  /** The `h` field (SHA-256 of the description), hex, or `null`. */
  readonly descriptionHash: string | null;
  /** The `x` field; 3600 when absent. */
  readonly expirySeconds: number;
  /** `timestamp + expirySeconds`. */
  readonly expiresAt: Date;
  /** The `c` field; 18 when absent. */
  readonly minFinalCltvExpiry: number;
  /** The `f` fields with a known version, in order of preference. */
  readonly fallbackAddresses: Bolt11FallbackAddress[];
  /** One route per `r` field. */
  readonly routeHints: Bolt11RouteHop[][];
  /** Set feature bits, keyed by bit number. */
  readonly features: Record<number, Bolt11Feature>;
  /** Set feature bit numbers, ascending (the form `Bolt11Fields.features` takes). */
  readonly featureBits: number[];
  /** The `m` field (payment metadata), hex, or `null`. */
  readonly metadata: string | null;
  /** Payee node key, hex: the `n` field when present (the signature was verified against it), else recovered. */
  readonly payeeNodeKey: string;
  /** True when the invoice carried an `n` field. */
  readonly hasPayeeNodeKeyField: boolean;
  /** Compact signature r‖s, hex (64 bytes). */
  readonly signature: string;
  /** The recovery id (0–3) carried by the signature. */
  readonly recoveryFlag: number;
  /** Fields the decoder skipped, in order. */
  readonly unknownTags: Bolt11UnknownTag[];
}

/**
 * What `decodeBolt11(request, { verify: false })` returns: the same fields, the signature unchecked
 * and `payeeNodeKey` the `n` field as written (unchecked) or `null`.
 */
export type UnverifiedBolt11 = Omit<DecodedBolt11, 'payeeNodeKey'> & { readonly payeeNodeKey: string | null };

/** What {@link encodeBolt11} writes. Hex strings may be upper or lower case. */
export interface Bolt11Fields {
  /** Network prefix. */
  readonly network: Bolt11Network;
  /** Amount in msat (1 … 2.1e18); omit or `null` for any amount. */
  readonly amountMsat?: bigint | null;
  /** Creation time, unix seconds (0 … 2^35 − 1). */
  readonly timestamp: number;
  /** Payment hash, 32 bytes hex. */
  readonly paymentHash: string;
  /** Payment secret, 32 bytes hex. Required at run time: decoders (this one included) reject invoices without it. */
  readonly paymentSecret?: string;
  /** Description (UTF-8, ≤ 639 bytes). Exactly one of `description` / `descriptionHash`. */
  readonly description?: string;
  /** SHA-256 of the description, 32 bytes hex. */
  readonly descriptionHash?: string;
  /** `x` field; written only when given. */
  readonly expirySeconds?: number;
  /** `c` field; written only when given. */
  readonly minFinalCltvExpiry?: number;
  /** `f` fields, most preferred first (`address` is ignored). */
  readonly fallbackAddresses?: readonly Bolt11FallbackAddress[];
  /** One `r` field per route (1–12 hops each). */
  readonly routeHints?: readonly (readonly Bolt11RouteHop[])[];
  /** Set feature bit numbers, e.g. LND's `[8, 14, 17, 25]`. The field is omitted when empty. */
  readonly features?: readonly number[];
  /** Payment metadata (`m` field), hex. */
  readonly metadata?: string;
  /** Write an `n` field with the signer's key (LND does not). */
  readonly includePayeeNodeKey?: boolean;
}
