/**
 * Child of sqlite-migrate-concurrent.test.ts: opens the SQLite file LNKIT_DB, waits until the wall
 * clock reaches LNKIT_START_AT (so that every child migrates at the same moment), migrates, and
 * prints `migrated` (or the error's code and message) before exiting.
 */
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const store = createSqliteStore({ filename: process.env.LNKIT_DB! });
const startAt = Number(process.env.LNKIT_START_AT);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
try {
  await store.migrate();
  console.log('migrated');
} catch (error) {
  const { code, message } = error as { code?: string; message?: string };
  console.log(`failed ${code ?? ''} ${message ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await store.close();
}
