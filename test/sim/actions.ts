/**
 * What each scheduled action does to the world. Workload actions start lnkit or payer operations in
 * the background (their outcomes land in the event log when they settle); faults act at once.
 */
import type { Action } from './schedule.js';
import { ENDPOINT_MODES, type Payable, type World } from './world.js';
import { createHash } from 'node:crypto';

const sha256Hex = (hex: string): string => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/** Heals the faults whose time is up. */
export function healExpired(world: World): void {
  if (world.lndDownUntil > 0 && world.clock.now() >= world.lndDownUntil) {
    world.lndDownUntil = 0;
    world.alice.setOnline(true);
    world.log('fault-end lnd back online');
  }
}

/** Applies one action. */
export async function apply(world: World, action: Action): Promise<void> {
  const { a, b, c } = action;
  switch (action.kind) {
    case 'createInvoice': {
      const slot = world.liveInstance(a);
      if (!slot?.lightning) return world.log('skip createInvoice: no live instance');
      const lightning = slot.lightning;
      const eur = b % 2 === 0;
      const key = c % 3 === 0 ? `inv-${c % 8}` : undefined;
      const expirySeconds = [60, 600, 3_600, 86_400][b % 4]!;
      const amount = eur
        ? { amountEur: `${1 + (c % 50)}.${String(b % 100).padStart(2, '0')}` }
        : { amountSat: BigInt(1_000 + (c % 200_000)) };
      world.track(
        `${slot.listener} invoices.create ${eur ? 'eur' : 'sat'}${key ? ` key=${key}` : ''} expiry=${expirySeconds}`,
        () =>
          lightning.invoices.create({
            ...amount,
            description: `order ${action.step}`,
            expirySeconds,
            ...(key ? { idempotencyKey: key } : {}),
          }),
        (invoice) => {
          if (!world.payables.some((p) => p.paymentHash === invoice.paymentHash)) {
            world.payables.push({
              paymentRequest: invoice.paymentRequest,
              paymentHash: invoice.paymentHash,
              origin: 'lnkit',
              invoiceId: invoice.id,
              preimage: null,
              epoch: world.epoch,
            });
          }
          return `${invoice.id} ${invoice.paymentHash} ${invoice.amountMsat}msat ${invoice.status}`;
        },
      );
      return;
    }
    case 'externalInvoice': {
      // An invoice created on the node by something else (another app, lncli): lnkit must record its settlement too.
      try {
        const added = world.alice.addInvoice({ valueSat: BigInt(500 + (a % 50_000)), memo: `external ${action.step}` });
        world.payables.push({
          paymentRequest: added.paymentRequest,
          paymentHash: added.paymentHash,
          origin: 'external',
          invoiceId: null,
          preimage: null,
          epoch: world.epoch,
          beforeFirstCheckpoint: !world.anyCheckpoint,
        });
        world.log(`external invoice ${added.paymentHash} add_index=${added.addIndex}`);
      } catch (error) {
        world.logError('external invoice', error);
      }
      return;
    }
    case 'payInvoice':
    case 'payTwice': {
      if (world.payables.length === 0) return world.log('skip pay: nothing to pay');
      // Mostly recent invoices, sometimes an old one (late, perhaps expired).
      const recent = a % 4 !== 0;
      const n = world.payables.length;
      const payable = recent ? world.payables[n - 1 - (b % Math.min(n, 3))]! : world.payables[b % n]!;
      world.bobPays(payable, 'bob pays');
      if (action.kind === 'payTwice') world.bobPays(payable, 'bob pays again');
      return;
    }
    case 'payOut': {
      const slot = world.liveInstance(a);
      if (!slot?.lightning) return world.log('skip payOut: no live instance');
      const lightning = slot.lightning;
      const key = b % 3 === 0 ? undefined : `out-${b % 5}`;
      const routable = c % 5 !== 0;
      // Same key: usually the request it was first used with (a legitimate retry), sometimes a new one (refused).
      const reuse = key ? [...world.outgoing.entries()].find(([, v]) => v.key === key) : undefined;
      let request: string;
      if (reuse && c % 4 !== 0) request = reuse[0];
      else {
        const node = world.network.node(routable ? 'bob' : 'dave');
        try {
          const added = node.addInvoice({ valueSat: BigInt(1_000 + (c % 20_000)), memo: `supplier ${action.step}` });
          request = added.paymentRequest;
          world.outgoing.set(request, { hash: added.paymentHash, routable, key: key ?? null });
        } catch (error) {
          return world.logError('payee invoice', error);
        }
      }
      const hash = world.outgoing.get(request)!.hash;
      world.track(
        `${slot.listener} payments.pay ${hash}${key ? ` key=${key}` : ''} ${routable ? 'routable' : 'unroutable'}`,
        () => lightning.payments.pay({ request, ...(key ? { idempotencyKey: key } : {}), timeoutSeconds: 30 }),
        (p) => {
          // The caller gets the preimage as proof of payment; nothing else may carry it.
          if (p.preimage) world.secrets.add(p.preimage);
          return `${p.id} ${p.status}${p.failureReason ? ` ${p.failureReason}` : ''}`;
        },
      );
      return;
    }
    case 'createHold': {
      const slot = world.liveInstance(a);
      if (!slot?.lightning) return world.log('skip createHold: no live instance');
      const lightning = slot.lightning;
      const preimage = world.prng.hex(32);
      world.secrets.add(preimage);
      const paymentHash = sha256Hex(preimage);
      world.track(
        `${slot.listener} invoices.createHold ${paymentHash}`,
        () =>
          lightning.invoices.createHold({
            amountSat: BigInt(1_000 + (b % 100_000)),
            description: `hold ${action.step}`,
            expirySeconds: 3_600,
            paymentHash,
          }),
        (invoice) => {
          const payable: Payable = {
            paymentRequest: invoice.paymentRequest,
            paymentHash,
            origin: 'hold',
            invoiceId: invoice.id,
            preimage,
            epoch: world.epoch,
          };
          world.payables.push(payable);
          // The buyer pays at once; the HTLC is held until settleHold or cancel.
          if (c % 3 !== 0) world.bobPays(payable, 'bob pays hold');
          return `${invoice.id} ${invoice.status}`;
        },
      );
      return;
    }
    case 'settleHold': {
      const slot = world.liveInstance(a);
      const holds = world.payables.filter((p) => p.origin === 'hold');
      if (!slot?.lightning || holds.length === 0) return world.log('skip settleHold');
      const lightning = slot.lightning;
      const hold = holds[b % holds.length]!;
      world.track(
        `${slot.listener} invoices.settleHold ${hold.invoiceId}`,
        () => lightning.invoices.settleHold(hold.invoiceId!, hold.preimage!),
        (invoice) => {
          if (invoice.status === 'settled') world.noteSettled(hold);
          return `${invoice.id} ${invoice.status}`;
        },
      );
      return;
    }
    case 'cancelInvoice': {
      const slot = world.liveInstance(a);
      const ours = world.payables.filter((p) => p.invoiceId !== null);
      if (!slot?.lightning || ours.length === 0) return world.log('skip cancelInvoice');
      const lightning = slot.lightning;
      const target = ours[b % ours.length]!;
      world.track(
        `${slot.listener} invoices.cancel ${target.invoiceId}`,
        () => lightning.invoices.cancel(target.invoiceId!),
        (invoice) => `${invoice.id} ${invoice.status}`,
      );
      return;
    }
    case 'endpointMode': {
      if (world.endpoints.length === 0) return world.log('skip endpointMode: no endpoints');
      const endpoint = world.endpoints[a % world.endpoints.length]!;
      // 410 is rare: it disables the endpoint for good.
      endpoint.mode = b % 10 === 0 ? '410' : ENDPOINT_MODES[[0, 0, 1, 3][c % 4]!]!;
      world.log(`endpoint e${endpoint.index} answers ${endpoint.mode}`);
      return;
    }
    case 'idle':
      return;
    case 'crash': {
      const slot = world.liveInstance(a);
      if (!slot) return world.log('skip crash: nothing alive');
      world.crash(slot.index);
      return;
    }
    case 'restart': {
      const dead = world.instances.filter((s) => !s.process?.isAlive);
      if (dead.length === 0) return world.log('skip restart: all alive');
      const slot = dead[a % dead.length]!;
      world.track(`restart i${slot.index}`, () => world.startInstance(slot.index));
      return;
    }
    case 'dropStreams':
      world.network.dropStreams();
      world.log('fault drop streams');
      return;
    case 'lndDown': {
      const ms = 1_000 + (a % 120_000);
      world.alice.setOnline(false);
      world.lndDownUntil = Math.max(world.lndDownUntil, world.clock.now() + ms);
      world.log(`fault lnd down for ${ms}ms`);
      return;
    }
    case 'storeFailNextWrite':
      world.faults.failNextWrite = true;
      world.log('fault store: next write fails');
      return;
    case 'storeReadOnly': {
      const ms = 1_000 + (a % 60_000);
      world.faults.readOnlyUntil = world.clock.now() + ms;
      world.log(`fault store read-only for ${ms}ms`);
      return;
    }
    case 'clockJump': {
      const ms = [60_000, 3_600_000, 86_400_000, 2 * 86_400_000][a % 4]!;
      world.log(`fault clock jumps ${ms}ms`);
      world.pendingJump += ms;
      return;
    }
    case 'historyReset':
      return world.resetHistory();
    case 'leaderChange': {
      // The store's leader is SIGKILLed: its lease is not released, it expires on the manual clock
      // and a follower (if any is alive) takes over within the TTL.
      const leader = world.instances.find((s) => s.started && s.process?.isAlive && s.lightning?.isLeader);
      if (!leader) return world.log('skip leaderChange: no leader');
      world.log(`fault leader ${leader.listener} killed`);
      world.crash(leader.index);
      return;
    }
  }
}
