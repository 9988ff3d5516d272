/**
 * `lnkit webhooks endpoints | deliveries | redeliver`: the webhook outbox in the store. These read
 * and write only the database (no LND connection): a redelivery is queued, due now, and sent by
 * the app's running dispatcher.
 */
import type { Command } from 'commander';
import type { WebhookDeliveryStatus } from '../../store/store.js';
import { createWebhookService, type WebhookDelivery, type WebhooksApi } from '../../webhooks/outbox/webhook-service.js';
import { formatDate, formatKeyValues, formatTable, shorten } from '../output.js';
import type { CommandRunner } from '../run-command.js';
import type { Session } from '../session.js';
import { parsePositiveInt } from './invoice.js';

interface DeliveryOptions {
  readonly endpoint?: string;
  readonly status?: WebhookDeliveryStatus[];
  readonly limit?: number;
  readonly cursor?: string;
}

async function webhooksApi(session: Session): Promise<WebhooksApi> {
  const store = await session.store();
  await store.migrate();
  return createWebhookService({ store });
}

function lastResult(d: WebhookDelivery): string {
  if (d.lastStatusCode !== null) return `HTTP ${d.lastStatusCode}`;
  return d.lastError ? shorten(d.lastError, 40) : '-';
}

/** Deliveries as a table. */
export function formatDeliveryTable(deliveries: readonly WebhookDelivery[]): string {
  if (deliveries.length === 0) return 'No deliveries.\n';
  return formatTable(
    [
      { header: 'ID' },
      { header: 'EVENT' },
      { header: 'ENDPOINT' },
      { header: 'STATUS' },
      { header: 'ATTEMPTS', align: 'right' },
      { header: 'LAST RESULT' },
      { header: 'NEXT ATTEMPT' },
      { header: 'CREATED' },
    ],
    deliveries.map((d) => [
      d.id,
      d.eventType ?? '-',
      d.endpointId,
      d.status,
      String(d.attempts),
      lastResult(d),
      formatDate(d.nextAttemptAt),
      formatDate(d.createdAt),
    ]),
  );
}

/** Adds the `webhooks` command group to `program`. */
export function registerWebhooks(program: Command, run: CommandRunner): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook endpoints, the delivery log and redelivery (store only, no LND)');

  webhooks
    .command('endpoints')
    .description('list webhook endpoints (never their secrets)')
    .action(
      run(async (session) => {
        const endpoints = await (await webhooksApi(session)).listEndpoints();
        session.printer.result(endpoints, () =>
          endpoints.length === 0
            ? 'No webhook endpoints.\n'
            : formatTable(
                [
                  { header: 'ID' },
                  { header: 'URL' },
                  { header: 'ENABLED' },
                  { header: 'EVENTS' },
                  { header: 'SECRETS', align: 'right' },
                  { header: 'CREATED' },
                ],
                endpoints.map((e) => [
                  e.id,
                  e.url,
                  e.isEnabled ? 'yes' : `no (${e.disabledReason ?? 'disabled'})`,
                  e.events === null ? 'all' : e.events.join(','),
                  String(e.secretCount),
                  formatDate(e.createdAt),
                ]),
              ),
        );
      }),
    );

  webhooks
    .command('deliveries')
    .description('list deliveries, newest first, with their last result')
    .option('--endpoint <id>', 'only this endpoint')
    .option(
      '--status <status>',
      'only this status: pending, delivered, failed, cancelled (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--limit <n>', 'how many (default 50)', parsePositiveInt)
    .option('--cursor <cursor>', 'the next-page cursor printed by a previous list')
    .action(
      run(async (session, options: DeliveryOptions) => {
        const page = await (
          await webhooksApi(session)
        ).deliveries({
          ...(options.endpoint === undefined ? {} : { endpointId: options.endpoint }),
          ...(options.status ? { status: options.status } : {}),
          limit: options.limit ?? 50,
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        });
        session.printer.result(
          page,
          () =>
            formatDeliveryTable(page.items) +
            (page.nextCursor ? `\nMore: lnkit webhooks deliveries --cursor ${page.nextCursor}\n` : ''),
        );
      }),
    );

  webhooks
    .command('redeliver')
    .description('queue a delivery again (same webhook-id and body), due now')
    .argument('<delivery-id>', 'the delivery to send again (whd_…)')
    .action(
      run(async (session, deliveryId: string) => {
        const delivery = await (await webhooksApi(session)).redeliver(deliveryId);
        session.printer.result(delivery, () =>
          formatKeyValues([
            ['Queued', delivery.id],
            ['Event', `${delivery.eventType ?? '-'} (${delivery.eventId})`],
            ['Endpoint', delivery.endpointId],
            ['Due', formatDate(delivery.nextAttemptAt)],
          ]),
        );
      }),
    );
}
