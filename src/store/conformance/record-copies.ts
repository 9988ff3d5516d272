/**
 * Deep copies and in-place scribbles of records, for the rule "the store keeps its own copy".
 * Runner-agnostic: no imports.
 */

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A deep copy of `value` to compare against later: Dates, arrays and plain objects are copied;
 * bigints, strings and decimals (never changed in place by lnkit) are kept.
 */
export function copyRecord<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => copyRecord(item)) as T;
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyRecord(item)])) as T;
  return value;
}

/**
 * Changes every Date, array and plain object inside `value` in place, as a careless caller
 * would: a Date moves by a day, an array grows, an object gains a key. Frozen parts are left
 * alone (a store may freeze what it returns).
 */
export function scribble(value: unknown): void {
  if (value instanceof Date) {
    value.setTime(value.getTime() + 86_400_000);
    return;
  }
  const attempt = (change: () => void): void => {
    try {
      change();
    } catch {
      // frozen: the store protected itself, which is fine
    }
  };
  if (Array.isArray(value)) {
    for (const item of value) scribble(item);
    attempt(() => value.push('scribbled'));
  } else if (isPlainObject(value)) {
    for (const item of Object.values(value)) scribble(item);
    attempt(() => {
      value.scribbled = true;
    });
  }
}
