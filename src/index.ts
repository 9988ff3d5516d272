/**
 * Accept and send Lightning payments priced in EUR through LND: `createLightning`, the domain
 * types, events, errors and the port types that adapters implement. Loads no gRPC and no SQLite.
 * @module lnkit
 */
export { createLightning } from './create-lightning.js';
export type { Lightning, LightningConfig, StopOptions, WebhooksConfig } from './create-lightning.js';
export * from './errors.js';
export {
  MAX_MSAT,
  decimal,
  eurToMsat,
  msatToEur,
  msatToSat,
  parseEur,
  parseRate,
  parseSat,
  satToMsat,
} from './domain/amount.js';
export type { Decimal, DecimalInput } from './domain/amount.js';
export { INVOICE_STATUSES, canTransitionInvoice, isFinalInvoiceStatus, transitionInvoice } from './domain/invoice.js';
export type { Invoice, InvoiceStatus, JsonValue } from './domain/invoice.js';
export { canTransitionPayment, transitionPayment } from './domain/payment.js';
export { isPrivateMetadataKey, publicMetadata, toInvoiceJSON, toPaymentJSON } from './domain/wire.js';
export type { InvoiceJSON, InvoiceJSONOptions, PaymentJSON, PaymentJSONOptions } from './domain/wire.js';
export type { Payment, PaymentDirection, PaymentFailureReason, PaymentStatus } from './domain/payment.js';
export { localRatio } from './domain/channel.js';
export type { Channel } from './domain/channel.js';
export { REBALANCE_FAILURE_REASONS, REBALANCE_STATUSES } from './domain/rebalance.js';
export type { Rebalance, RebalanceFailureReason, RebalanceStatus } from './domain/rebalance.js';
export {
  DEFAULT_MAX_LOCAL_RATIO,
  DEFAULT_MIN_LOCAL_RATIO,
  classify,
  rebalanceFeeLimitMsat,
} from './domain/liquidity.js';
export type {
  ChannelCheck,
  ChannelLiquidity,
  ChannelLiquidityStatus,
  LiquidityBounds,
  LiquidityCheck,
  LiquidityPolicy,
  LiquiditySnapshot,
  LiquidityTarget,
  LiquidityTotals,
  NodeLiquidityStatus,
  PeerLiquidity,
} from './domain/liquidity.js';
export type { InboundCheck, LiquidityService } from './liquidity/liquidity-service.js';
export type { PlanSkipReason, RebalancePlan } from './liquidity/plan.js';
export type { RebalanceBudget, RebalanceInput } from './liquidity/validate-liquidity-input.js';
export type { AutoRebalanceConfig } from './liquidity/auto-rebalancer.js';
export { LIGHTNING_EVENT_NAMES, WEBHOOK_EVENT_TYPES } from './domain/events.js';
export type * from './domain/events.js';
export { systemClock } from './domain/clock.js';
export type { Clock, TimerHandle } from './domain/clock.js';
export { silentLogger } from './logger.js';
export type { LogFields, Logger } from './logger.js';
export type { LightningEventBus, Listener } from './events/event-bus.js';
export type { InvoiceService, ListInvoicesInput } from './invoices/invoice-service.js';
export type { CreateInvoiceInput } from './invoices/validate-invoice-input.js';
export type * from './lnd/lnd-client.js';
export type * from './store/store.js';
export type * from './rates/rate-provider.js';
export type { SettlementWatcherConfig } from './settlement/settlement-watcher.js';
export { DEFAULT_MAX_PAYMENT_SAT } from './payments/payment-service.js';
export type { DecodedPaymentRequest, ListPaymentsInput, PaymentService } from './payments/payment-service.js';
export type { PayInput, PaymentRejectionReason } from './payments/validate-pay-input.js';
export { DEFAULT_FEE_LIMIT_PPM, DEFAULT_MIN_FEE_LIMIT_SAT, feeLimitMsat } from './payments/fee-limit.js';
export type {
  CreateHoldInvoiceInput,
  HoldInvoiceMethods,
  HoldInvoiceServiceConfig,
} from './invoices/hold-invoice-service.js';
export type {
  CreatedWebhookEndpoint,
  RotateWebhookSecretInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhooksApi,
} from './webhooks/outbox/webhook-service.js';
export type { HealthCheck, HealthConfig, HealthReport, NodeHealth } from './operations/health.js';
export type { LndConfig } from './nodes/node-config.js';
export type { LightningNode } from './nodes/node-set.js';
export type { PlacementCandidate, PlacementPolicy, PlacementRequest } from './nodes/placement.js';
export type {
  GaugeSample,
  HistogramSnapshot,
  Metrics,
  MetricsSnapshot,
  PromRegistryLike,
} from './operations/metrics.js';
