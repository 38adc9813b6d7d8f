/**
 * Answers "which accepted intervals overlap [s, e)?" while intervals are accepted one at a time in
 * an order unrelated to time (the walk of design §5 step 4 goes by priority and booking date).
 *
 * All candidate intervals are known up front, so this is a static segment tree over the candidates
 * sorted by start, storing the maximum end of the *accepted* ones in each node. Accepting is a
 * leaf update (O(log n)); a query visits only subtrees with a start before `e` and a maximum end
 * after `s`, so it costs O((k + 1) log n) for k hits instead of scanning every accepted interval.
 */
export class OverlapIndex {
  private readonly starts: Float64Array;
  private readonly size: number;
  /** maxEnd[node] over accepted leaves below it; -Infinity where nothing is accepted */
  private readonly maxEnd: Float64Array;
  /**
   * Reused descent stack of [node, first slot, slot count] triples, so queries do not allocate it. A
   * typed array with its own top: emptying a JS array (`length = 0`) drops its backing store, which
   * every query then grew again (issue 9: most of a year plan's garbage). The descent leaves at most
   * one pending sibling per level: 64 levels cover any index.
   */
  private readonly stack = new Int32Array(3 * 64);

  /**
   * @param startsSorted starts of all candidates in ascending order (epoch ms); a candidate's
   *   position in this array is its slot in the index.
   */
  constructor(startsSorted: Float64Array) {
    this.starts = startsSorted;
    let size = 1;
    while (size < startsSorted.length) size *= 2;
    this.size = size;
    this.maxEnd = new Float64Array(2 * size).fill(Number.NEGATIVE_INFINITY);
  }

  /** Marks the candidate in `slot` as accepted with the given end, so later queries see it. */
  accept(slot: number, endMs: number): void {
    let node = this.size + slot;
    this.maxEnd[node] = endMs;
    node >>= 1;
    while (node >= 1) {
      const left = this.maxEnd[2 * node] ?? Number.NEGATIVE_INFINITY;
      const right = this.maxEnd[2 * node + 1] ?? Number.NEGATIVE_INFINITY;
      this.maxEnd[node] = left > right ? left : right;
      node >>= 1;
    }
  }

  /**
   * Slots of accepted intervals overlapping [startMs, endMs) under design §5 step 3
   * (`a.start < b.end && b.start < a.end`), in ascending slot (start) order.
   */
  query(startMs: number, endMs: number): number[] {
    const hits: number[] = [];
    this.collect(startMs, endMs, hits);
    return hits;
  }

  /**
   * {@link query} into `hits` from index 0, returning how many there are; entries past that count
   * are stale. For a caller querying once per candidate: the array keeps its storage between calls.
   */
  collect(startMs: number, endMs: number, hits: number[]): number {
    let count = 0;
    // Only slots whose start is before endMs can overlap: they form the prefix [0, limit).
    const limit = this.lowerBound(endMs);
    if (limit === 0) return count;
    // Iterative depth-first descent; each stack entry is [node, first slot, slot count].
    const stack = this.stack;
    let top = 0;
    stack[top++] = 1;
    stack[top++] = 0;
    stack[top++] = this.size;
    while (top > 0) {
      const width = stack[--top] as number;
      const first = stack[--top] as number;
      const node = stack[--top] as number;
      if (first >= limit) continue;
      if ((this.maxEnd[node] ?? Number.NEGATIVE_INFINITY) <= startMs) continue;
      if (width === 1) {
        hits[count++] = first;
        continue;
      }
      const half = width >> 1;
      // Push right first so the left half is visited first and hits come out in slot order.
      stack[top++] = 2 * node + 1;
      stack[top++] = first + half;
      stack[top++] = half;
      stack[top++] = 2 * node;
      stack[top++] = first;
      stack[top++] = half;
    }
    return count;
  }

  /** First slot whose start is >= value (binary search). */
  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] ?? Number.POSITIVE_INFINITY) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
