// Evidence stage: the set of keys a table has had, for its duplicate-key check. A query log of a
// million rows keeps a million keys; held as JavaScript strings in a Set that is over 100 MB of heap
// (and a larger heap before the collector runs), here it is about 30 MB of typed arrays.

/** KeySet: an exact set of strings stored as UTF-16 code units in one growing buffer. */
export class KeySet {
  private units = new Uint16Array(1 << 16);
  private used = 0;
  // Entry n: its characters are units[starts[n] .. starts[n + 1]); its hash is hashes[n].
  private starts = new Uint32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private count = 0;
  // Open addressing: slots hold entry number + 1, 0 is empty.
  private slots = new Int32Array(1 << 13);

  get size(): number {
    return this.count;
  }

  /** add puts the key in the set; it says false when the key was there already. */
  add(key: string): boolean {
    const n = key.length;
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (let e = this.slots[s]; e !== 0; e = this.slots[s]) {
      if (this.hashes[e - 1] === h && this.equals(e - 1, key)) return false;
      s = (s + 1) & mask;
    }
    this.store(key, h);
    this.slots[s] = this.count;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private equals(entry: number, key: string): boolean {
    const from = this.starts[entry];
    if (this.starts[entry + 1] - from !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.units[from + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private store(key: string, h: number): void {
    if (this.used + key.length > this.units.length)
      this.units = grow(this.units, Math.max(this.units.length * 2, this.used + key.length));
    for (let i = 0; i < key.length; i++) this.units[this.used + i] = key.charCodeAt(i);
    this.used += key.length;
    if (this.count + 2 > this.starts.length) {
      this.starts = grow(this.starts, this.starts.length * 2);
      this.hashes = grow(this.hashes, this.hashes.length * 2);
    }
    this.hashes[this.count] = h;
    this.count++;
    this.starts[this.count] = this.used;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let s = this.hashes[e] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = e + 1;
    }
    this.slots = slots;
  }
}

function grow<T extends Uint16Array | Uint32Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
