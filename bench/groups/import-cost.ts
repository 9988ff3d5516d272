/**
 * Cold import of each entry point in a fresh `node`: the package is built (JavaScript only, as tsup
 * builds `dist/`) into node_modules/.lnkit-bench-dist, then each entry is imported by a new process
 * that measures `await import(entry)` itself: CPU time (user + system, what the import costs, which
 * a busy neighbour does not inflate the way it inflates wall time) and wall time, both printed. The
 * same process importing an empty module is the bare baseline, so node's start-up and the loader's
 * fixed cost are left out. Rounds alternate the entries; each figure is the least CPU time over the
 * rounds minus the baseline's least; the checked value is the root entry's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { entries } from '../../tsup.config.js';
import { type Figure, fmt, load, stats } from '../harness.js';

const OUT = join(process.cwd(), 'node_modules', '.lnkit-bench-dist');

/** CPU and wall milliseconds of one cold `import(file)` in a new process. */
function coldImport(file: string): { readonly cpu: number; readonly wall: number } {
  const url = pathToFileURL(file).href;
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(url)}); ` +
    `const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1000, wall: performance.now() - t }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`import of ${file} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { cpu: number; wall: number };
}

/** The import group's figures. */
export async function benchImportCost(rounds: number): Promise<Figure[]> {
  await build({
    entry: { ...entries },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    outDir: OUT,
    dts: false,
    clean: true,
    splitting: true,
    treeshake: true,
    silent: true,
    config: false,
  });
  const names = Object.keys(entries);
  for (const name of names) if (!existsSync(join(OUT, `${name}.js`))) throw new Error(`tsup built no ${name}.js`);
  writeFileSync(join(OUT, 'bare.js'), 'export {};\n');
  names.unshift('bare');
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  const walls = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const { cpu, wall } = coldImport(join(OUT, `${name}.js`));
      samples.get(name)!.push(cpu);
      walls.get(name)!.push(wall);
    }
  }
  const bare = stats(samples.get('bare')!);
  const bareWall = stats(walls.get('bare')!);
  return names
    .filter((name) => name !== 'bare')
    .map((name) => {
      const s = stats(samples.get(name)!);
      const wall = stats(walls.get(name)!);
      const entry = name === 'index' ? 'lnkit' : `lnkit/${name}`;
      return {
        id: name === 'index' ? 'import.root' : `import.${name}`,
        label: `cold import('${entry}') over a bare node`,
        value: s.min - bare.min,
        unit: 'ms',
        detail:
          `CPU: import min ${fmt(s.min)} / med ${fmt(s.median)} ms, empty module min ${fmt(bare.min)} ms; ` +
          `wall: min ${fmt(wall.min)} ms, empty module ${fmt(bareWall.min)} ms (+${fmt(wall.min - bareWall.min)}); ${rounds} rounds; ${load()}`,
      };
    });
}
