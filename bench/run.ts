/**
 * `npm run bench`: lnkit's speed figures side by side with peers and raw baselines measured in the
 * same run, each as a ratio with min/median over interleaved rounds (see bench/harness.ts).
 *
 *   npm run bench                      all groups, print only
 *   npm run bench -- --check           exit 1 when an enforced budget (bench/budgets.ts) is missed
 *   npm run bench -- --only=bolt11,import
 *   npm run bench -- --rounds=7        rounds per comparison (default 5)
 *
 * Each group runs in a process of its own, so one group's heap and V8's type feedback from its code
 * paths (the settlement path driven with the bench's own context, say) do not slow the next group's.
 *
 * Groups: amounts, bolt11, webhooks, sqlite, postgres, grpc-client, grpc, catchup, simulator, import.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BUDGETS, describeBudget, verdict } from './budgets.js';
import { type Figure, fmt } from './harness.js';
import { benchAmounts } from './groups/amounts.js';
import { benchCatchUp } from './groups/catchup.js';
import { benchBolt11 } from './groups/bolt11.js';
import { benchGrpcClientCpu, benchSimulatorGrpc } from './groups/grpc.js';
import { benchImportCost } from './groups/import-cost.js';
import { benchSqliteSettlements } from './groups/settlements-sqlite.js';
import { benchSimulator } from './groups/simulator.js';
import { benchWebhooks } from './groups/webhooks.js';
import { runInNewProcess } from './support/in-new-process.js';
import { benchPostgresSettlements } from './postgres-settlements.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split('=')[1] ??
  (args.includes(`--${name}`) ? '' : undefined);
const check = flag('check') !== undefined;
const rounds = Number(flag('rounds') ?? 5);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds: expected a positive integer, got ${flag('rounds')}`);

async function postgres(): Promise<Figure[]> {
  const result = await benchPostgresSettlements({ rounds: Math.min(rounds, 3) });
  if ('skipped' in result) {
    console.log(`  postgres: skipped: ${result.skipped}`);
    return [];
  }
  const per = (xs: number[]) => fmt([...xs].sort((a, b) => a - b)[xs.length >> 1]!);
  return [
    {
      id: 'postgres.settlements',
      label: 'settlements on PostgreSQL, store / raw pg (same statements)',
      value: result.ratioMedian,
      unit: '×',
      detail:
        `lnkit med ${per(result.rounds.map((r) => r.lnkitPerSecond))}/s; raw med ${per(result.rounds.map((r) => r.rawPerSecond))}/s; ` +
        `ratio min ${fmt(result.ratioMin, 2)}; ${fmt(result.statementsPerSettlement.lnkit)} statements per settlement` +
        (result.sameStatements ? '' : ' (raw loop differs)'),
    },
  ];
}

const GROUPS: Record<string, () => Promise<Figure[]> | Figure[]> = {
  amounts: () => benchAmounts(),
  bolt11: () => benchBolt11(rounds),
  webhooks: () => benchWebhooks(rounds),
  sqlite: () => benchSqliteSettlements(rounds),
  postgres,
  'grpc-client': () => benchGrpcClientCpu(Math.max(rounds * 6, 31)),
  grpc: () => benchSimulatorGrpc(Math.min(rounds, 3)),
  catchup: () => benchCatchUp(Math.max(rounds, 7)),
  simulator: () => benchSimulator(),
  import: () => benchImportCost(Math.max(rounds, 7)),
};

const only = flag('only');
const selected = only ? only.split(',') : Object.keys(GROUPS);
for (const name of selected)
  if (!(name in GROUPS)) throw new Error(`--only: no group ${name}; groups: ${Object.keys(GROUPS).join(', ')}`);

// A group's own process: run it, hand its figures back in the file named by --group-out.
const groupOut = flag('group-out');
if (groupOut) {
  writeFileSync(groupOut, JSON.stringify(await GROUPS[selected[0]!]!()));
  process.exit(0);
}

/** Runs `name` in a new process with this one's Node options (--expose-gc, tsx); its output goes to ours. */
const runGroup = (name: string): Figure[] =>
  runInNewProcess(
    fileURLToPath(import.meta.url),
    (out) => [`--only=${name}`, `--rounds=${rounds}`, `--group-out=${out}`],
    `bench group ${name}`,
  );

console.log(
  `lnkit bench: ${cpus().length} CPUs, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}, ${rounds} rounds, node ${process.version}`,
);
const misses: string[] = [];
for (const name of selected) {
  console.log(`\n[${name}]`);
  const figures = runGroup(name);
  for (const figure of figures) {
    const budget = BUDGETS[figure.id];
    const v = verdict(figure.id, figure.value);
    const mark = v === null ? '' : v.pass ? 'ok' : v.enforced ? 'MISS' : 'miss (pending)';
    const budgetText = budget ? `budget ${describeBudget(budget)}` : '';
    console.log(
      `  ${figure.label.padEnd(74)} ${fmt(figure.value).padStart(10)} ${figure.unit.padEnd(3)} ${budgetText.padEnd(16)} ${mark}`,
    );
    console.log(`      ${figure.detail}`);
    if (v && !v.pass) {
      const line = `${figure.id} = ${fmt(figure.value)} ${figure.unit}, budget ${describeBudget(budget!)}: ${budget!.why}`;
      if (v.enforced) misses.push(line);
      else console.log(`      not enforced until ${budget!.pendingOn}`);
    }
  }
}
if (misses.length > 0) {
  console.log(`\n${misses.length} budget(s) missed:\n${misses.map((m) => `  - ${m}`).join('\n')}`);
  if (check) process.exit(1);
} else if (check) console.log('\nall enforced budgets met');
