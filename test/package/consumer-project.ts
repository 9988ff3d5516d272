/**
 * A consumer project for type tests: the packed tarball (`npm pack`) extracted as
 * `node_modules/lnkit`, next to exactly the packages npm would put beside it (the packed
 * package.json's `dependencies` and theirs, hoisted), linked from this checkout's node_modules so
 * that nothing is downloaded. devDependencies are not there, as in a real app.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** A consumer project on disk. */
export interface ConsumerProject {
  readonly dir: string;
  /** The packages linked beside lnkit (what npm would install with it). */
  readonly installed: readonly string[];
  /** Writes `files` (relative paths) and runs tsc with `compilerOptions`; returns its diagnostics, one per line. */
  typecheck(files: Readonly<Record<string, string>>, compilerOptions: Record<string, unknown>): Promise<string[]>;
  /** A copy of this project in a directory of its own, without the `omit` packages. */
  clone(omit: readonly string[]): ConsumerProject;
  remove(): void;
}

/** One compile of {@link typecheckAll}: `files` and a tsconfig written under `<project.dir>/<name>/`. */
export interface TypecheckJob {
  readonly project: ConsumerProject;
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly compilerOptions: Record<string, unknown>;
}

const writeFiles = (dir: string, files: Readonly<Record<string, string>>, compilerOptions: Record<string, unknown>) => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { noEmit: true, ...compilerOptions }, files: Object.keys(files) }),
  );
};

/**
 * Compiles several jobs in ONE tsc process (`tsc --build` over their tsconfigs: tsc starts once, and
 * the jobs' builds share its caches); returns each job's diagnostics, one per line, in the order of `jobs`.
 * `--verbose` announces each project before its diagnostics, which is how they are attributed.
 */
export async function typecheckAll(jobs: readonly TypecheckJob[]): Promise<string[][]> {
  const byConfig = new Map<string, number>();
  for (const [index, job] of jobs.entries()) {
    const dir = join(job.project.dir, job.name);
    writeFiles(dir, job.files, job.compilerOptions);
    byConfig.set(join(dir, 'tsconfig.json'), index);
  }
  const result = jobs.map((): string[] => []);
  let out: string;
  try {
    const args = [TSC, '--build', '--force', '--verbose', '--pretty', 'false', ...byConfig.keys()];
    out = (await promisify(execFile)(process.execPath, args, { cwd: tmpdir() })).stdout;
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? error);
  }
  let current: number | undefined;
  let inDiagnostic = false; // a diagnostic's continuation lines are indented
  for (const raw of out.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const building = /Building project '(.+)'\.\.\.$/.exec(line);
    if (building) {
      current = byConfig.get(resolve(tmpdir(), building[1]!));
      inDiagnostic = false;
    } else if (/\berror TS\d+:/.test(line)) {
      if (current === undefined) throw new Error(`tsc printed a diagnostic outside a project: ${line}`);
      result[current]!.push(line);
      inDiagnostic = true;
    } else if (inDiagnostic && /^\s+\S/.test(line)) {
      result[current!]!.push(line);
    } else {
      inDiagnostic = false;
    }
  }
  return result;
}

const dependenciesOf = (dir: string): string[] => {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {});
};

/**
 * Packs this checkout (dist must be built) and sets up a consumer project around the tarball.
 * `appDependencies`: packages the app itself would install beside lnkit (e.g. `express`), linked too.
 */
export function createConsumerProject(appDependencies: readonly string[] = []): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), 'lnkit-consumer-'));
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1)!;
  const lnkit = join(dir, 'node_modules/lnkit');
  mkdirSync(lnkit, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', lnkit, '--strip-components=1']);

  // npm's flat layout: every package of the dependency closure at the top of node_modules.
  const installed = new Set<string>();
  const queue = [...dependenciesOf(lnkit), ...appDependencies];
  while (queue.length > 0) {
    const name = queue.shift()!;
    const source = join(ROOT, 'node_modules', name);
    if (installed.has(name) || !existsSync(source)) continue;
    installed.add(name);
    const target = join(dir, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, 'dir');
    queue.push(...dependenciesOf(source));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));

  return consumerProjectAt(dir, [...installed].sort());
}

const consumerProjectAt = (dir: string, installed: readonly string[]): ConsumerProject => ({
  dir,
  installed,
  async typecheck(files, compilerOptions) {
    writeFiles(dir, files, compilerOptions);
    try {
      // Asynchronous: a tsc run takes seconds, and must not block the test worker meanwhile.
      await promisify(execFile)(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: dir });
      return [];
    } catch (error) {
      const out = String((error as { stdout?: string }).stdout ?? error);
      return out.split('\n').filter((line) => line.trim() !== '');
    }
  },
  clone(omit) {
    const copy = mkdtempSync(join(tmpdir(), 'lnkit-consumer-'));
    execFileSync('cp', ['-a', `${dir}/.`, copy]); // symlinks stay symlinks
    for (const name of omit) rmSync(join(copy, 'node_modules', name), { recursive: true, force: true });
    return consumerProjectAt(
      copy,
      installed.filter((name) => !omit.includes(name)),
    );
  },
  remove: () => rmSync(dir, { recursive: true, force: true }),
});
