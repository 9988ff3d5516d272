/**
 * JSON parsing that never lets a price pass through a float: every number literal in the text
 * comes back as its exact text (a string). Node 20's `JSON.parse` reviver has no `context.source`,
 * so the literals are quoted before parsing.
 */

const NUMBER_CHAR = /[0-9eE.+-]/;

/**
 * Parses JSON text, returning every number as the string of its literal (`87654.32` → `'87654.32'`).
 * @throws {SyntaxError} when `text` is not JSON
 * @example parseJsonKeepingNumbers('{"eur":87654.32}') // { eur: '87654.32' }
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  JSON.parse(text); // validates the whole text first, so the scan below only sees well-formed JSON
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote, stepping over escapes
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && NUMBER_CHAR.test(text.charAt(j))) j++;
      out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
      last = j;
      i = j;
    } else i++;
  }
  return JSON.parse(out + text.slice(last));
}
