/**
 * Which file a SQLite handle opened (device and inode), so that a health probe notices the file was
 * deleted or replaced under the running process: SQLite keeps writing to the unlinked inode, and
 * everything it "records" is gone at the next start.
 */
import { statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';

/** A database file's path, device and inode at open time. */
export interface FileIdentity {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/** The identity of the file `database` opened; null for an in-memory or temporary database. */
export function fileIdentity(database: BetterSqlite3.Database): FileIdentity | null {
  if (database.memory || database.name === '' || database.name === ':memory:') return null;
  try {
    const stat = statSync(database.name);
    return { path: database.name, dev: stat.dev, ino: stat.ino };
  } catch {
    return null;
  }
}

/** Null when `opened` is still the file at its path; otherwise what happened to it. */
export function sameFile(opened: FileIdentity): string | null {
  let stat;
  try {
    stat = statSync(opened.path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT'
      ? `the database file ${opened.path} was deleted while open: writes go nowhere durable`
      : `cannot stat the database file ${opened.path}: ${(error as Error).message}`;
  }
  if (stat.dev !== opened.dev || stat.ino !== opened.ino)
    return `the database file ${opened.path} was replaced while open (another inode): writes go to the old file`;
  return null;
}
