/**
 * One process's catch-ups for the bench (bench/groups/catchup.ts): the first, then the same again
 * with the code compiled; writes them as JSON to the file named by its argument.
 */
import { writeFileSync } from 'node:fs';
import { measureCatchUps } from '../groups/catchup.js';

const out = process.argv[2];
if (!out) throw new Error('usage: catchup-child.ts <result.json>');
writeFileSync(out, JSON.stringify(await measureCatchUps()));
