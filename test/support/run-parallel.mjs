#!/usr/bin/env node
/**
 * Runs npm scripts side by side and fails when any fails: `node test/support/run-parallel.mjs typecheck lint`.
 * `npm test` uses it for the single-threaded checks (tsc, eslint, prettier, the build), which otherwise
 * leave one of CI's two cores idle. Each script's output is printed in one block when it ends, so the
 * logs do not interleave.
 */
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: run-parallel.mjs <npm script> [<npm script> …]');
  process.exit(2);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(npm, ['run', '--silent', script], {
          stdio: ['ignore', 'pipe', 'pipe'],
          shell: process.platform === 'win32',
        });
        const chunks = [];
        child.stdout.on('data', (chunk) => chunks.push(chunk));
        child.stderr.on('data', (chunk) => chunks.push(chunk));
        child.on('close', (code, signal) => {
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          const output = Buffer.concat(chunks).toString();
          process.stdout.write(`\n> ${script} (${seconds} s, ${code === 0 ? 'ok' : `failed: ${signal ?? code}`})\n`);
          if (output.trim() !== '') process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
          resolve(code === 0);
        });
        child.on('error', (error) => {
          process.stdout.write(`\n> ${script}: ${error.message}\n`);
          resolve(false);
        });
      }),
  ),
);
process.exit(results.every(Boolean) ? 0 : 1);
