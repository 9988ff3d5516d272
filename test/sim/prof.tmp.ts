import { runSeed } from './index.js';
const t0 = Date.now();
for (let s = 1; s <= 3; s++) {
  const t = Date.now();
  const r = await runSeed({ seed: s, steps: 500 });
  console.log(s, r.stats, r.violation?.invariant, r.events.length, Date.now() - t, 'ms');
}
console.log('total', Date.now() - t0);
