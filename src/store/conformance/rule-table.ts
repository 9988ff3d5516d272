/**
 * The table of rules × subjects: each rule is written once (rules-*.ts) and runs on every row
 * kind it applies to. Adding a repository means one subject (subjects-*.ts) and its name in the
 * rows below; the compiler refuses a subject that lacks a capability its rule needs.
 */
import type { Store } from '../store.js';
import { withStore, type StoreConformanceCase } from './fixtures.js';
import { badCursorRule, defaultLimitRule, keysetOrderRule, stableCursorRule, statusFilterRule } from './rules-lists.js';
import { exactHashRule, missRule, ownCopyRule, roundTripRule, uniqueRule } from './rules-rows.js';
import { conditionalRule, emptyFromStatusRule, patchRule } from './rules-updates.js';
import { ruleCaseName, type Capability, type StoreRule, type SubjectWith } from './subject.js';
import { invoiceSubject as invoices, paymentSubject as payments } from './subjects-core.js';
import { nodeSubject as nodes } from './subjects-nodes.js';
import { rebalanceSubject as rebalances } from './subjects-rebalances.js';
import {
  attemptSubject as attempts,
  deliverySubject as deliveries,
  endpointSubject as endpoints,
  eventSubject as events,
} from './subjects-webhooks.js';

/** One row of the table: a rule and the subjects it runs on. */
export interface RuleRow {
  readonly rule: StoreRule<Capability>;
  readonly subjects: readonly SubjectWith<Capability>[];
}

/** Types a row: every subject must have the capabilities the rule needs. */
function row<C extends Capability>(rule: StoreRule<C>, subjects: readonly SubjectWith<C>[]): RuleRow {
  return { rule, subjects } as unknown as RuleRow;
}

/** Rules × subjects. */
export const storeRuleTable: readonly RuleRow[] = [
  row(roundTripRule, [invoices, payments, rebalances, endpoints, events, deliveries, attempts, nodes]),
  row(missRule, [invoices, payments, rebalances, endpoints, events, deliveries, attempts, nodes]),
  row(uniqueRule, [invoices, payments, rebalances, endpoints, events, deliveries, attempts, nodes]),
  row(ownCopyRule, [invoices, payments, rebalances, endpoints, events, deliveries, attempts, nodes]),
  row(exactHashRule, [invoices, payments, rebalances]),
  row(patchRule, [invoices, payments, rebalances, endpoints, deliveries, nodes]),
  row(conditionalRule, [invoices, payments, rebalances]),
  row(emptyFromStatusRule, [invoices, payments, rebalances]),
  row(keysetOrderRule, [invoices, payments, rebalances, deliveries]),
  row(stableCursorRule, [invoices, payments, rebalances, deliveries]),
  row(defaultLimitRule, [invoices, payments, rebalances, deliveries]),
  row(statusFilterRule, [invoices, payments, rebalances, deliveries]),
  row(badCursorRule, [invoices, payments, rebalances, deliveries]),
];

/** One case per cell of {@link storeRuleTable}, grouped by subject. */
export const ruleCases: readonly StoreConformanceCase[] = [...new Set(storeRuleTable.flatMap((r) => r.subjects))]
  .flatMap((subject) => storeRuleTable.filter((r) => r.subjects.includes(subject)).map((r) => ({ r, subject })))
  .map(({ r, subject }) => ({
    name: ruleCaseName(r.rule, subject),
    run: (make: () => Promise<Store>) => withStore(make, (store) => r.rule.run(subject, store)),
  }));
