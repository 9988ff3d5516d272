/**
 * A binary min-heap of (time, item) entries: the model's timers (invoice expiry, hold auto-cancel,
 * payment timeouts) in O(log n) per change, so the simulator does not scan every record per RPC.
 * Entries are never removed early: the books discard an entry that no longer matches its record
 * when it reaches the top ("lazy deletion").
 */

/** One entry. */
export interface Deadline<T> {
  readonly at: number;
  readonly item: T;
}

/** The heap. */
export class DeadlineQueue<T> {
  private readonly heap: Deadline<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** The earliest entry, or undefined. */
  peek(): Deadline<T> | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest entry, or undefined. */
  pop(): Deadline<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || heap.length === 0) return top;
    heap[0] = last!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && heap[left]!.at < heap[least]!.at) least = left;
      if (right < heap.length && heap[right]!.at < heap[least]!.at) least = right;
      if (least === i) return top;
      [heap[least], heap[i]] = [heap[i]!, heap[least]!];
      i = least;
    }
  }
}
