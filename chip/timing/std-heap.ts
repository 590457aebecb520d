/**
 * A binary heap of integer ids keyed by a Float64Array, with the exact sift rules of libstdc++'s
 * std::push_heap / std::pop_heap (bits/stl_heap.h: __push_heap, __adjust_heap). SANA-FE's detailed
 * scheduler is a std::priority_queue; messages with equal timestamps leave it in the order these rules
 * give, so reproducing its schedule tick for tick needs the same tie-breaking, not just any min-heap.
 *
 * Order: `before(a, b)` ⇔ key[a] > key[b] is the queue's "less", so top() is an id with the smallest key.
 */
export class StdMinHeap {
  private ids: Int32Array;
  private n = 0;
  key: Float64Array;

  constructor(key: Float64Array, capacity = 64) {
    this.key = key;
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  top(): number {
    return this.ids[0];
  }

  /** priority_queue::push: append, then __push_heap from the new hole. */
  push(id: number): void {
    if (this.n === this.ids.length) {
      const g = new Int32Array(this.ids.length * 2);
      g.set(this.ids);
      this.ids = g;
    }
    this.siftUp(this.n, 0, id);
    this.n++;
  }

  /** priority_queue::pop: __pop_heap moves the last element into the root hole via __adjust_heap. */
  pop(): number {
    const ids = this.ids;
    const top = ids[0];
    const len = this.n - 1;
    if (len > 0) {
      const value = ids[len];
      ids[len] = top;
      this.adjust(len, value);
    }
    this.n = len;
    return top;
  }

  /** comp(a, b) of CompareMessagesBySentTime: a.sent > b.sent. */
  private comp(a: number, b: number): boolean {
    return this.key[a] > this.key[b];
  }

  private siftUp(hole: number, topIndex: number, value: number): void {
    const ids = this.ids;
    let parent = (hole - 1) >> 1;
    while (hole > topIndex && this.comp(ids[parent], value)) {
      ids[hole] = ids[parent];
      hole = parent;
      parent = (hole - 1) >> 1;
    }
    ids[hole] = value;
  }

  private adjust(len: number, value: number): void {
    const ids = this.ids;
    let hole = 0;
    let second = 0;
    while (second < ((len - 1) >> 1)) {
      second = 2 * (second + 1);
      if (this.comp(ids[second], ids[second - 1])) second--;
      ids[hole] = ids[second];
      hole = second;
    }
    if ((len & 1) === 0 && second === ((len - 2) >> 1)) {
      second = 2 * (second + 1);
      ids[hole] = ids[second - 1];
      hole = second - 1;
    }
    this.siftUp(hole, 0, value);
  }
}
