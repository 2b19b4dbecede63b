// id → slot for the write buffer, in typed arrays (open addressing, linear probing): a JS Map would
// cost ~80 bytes an entry and stops at 2^24 entries, and a bulk load puts every entry in the buffer.
// Any u32 is a valid id; a slot value of 0 marks an empty cell (slots are stored plus one).

export class IdMap {
  private keys = new Uint32Array(1024);
  private vals = new Uint32Array(1024);
  private mask = 1023;
  size = 0;

  private home(id: number): number {
    return (Math.imul(id, 0x9e3779b1) >>> 0) & this.mask;
  }

  get(id: number): number {
    for (let i = this.home(id); ; i = (i + 1) & this.mask) {
      const v = this.vals[i]!;
      if (v === 0) return -1;
      if (this.keys[i] === id) return v - 1;
    }
  }

  set(id: number, slot: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2);
    for (let i = this.home(id); ; i = (i + 1) & this.mask) {
      if (this.vals[i] === 0) {
        this.keys[i] = id;
        this.vals[i] = slot + 1;
        this.size++;
        return;
      }
      if (this.keys[i] === id) {
        this.vals[i] = slot + 1;
        return;
      }
    }
  }

  delete(id: number): boolean {
    const mask = this.mask,
      keys = this.keys,
      vals = this.vals;
    let i = this.home(id);
    for (; ; i = (i + 1) & mask) {
      if (vals[i] === 0) return false;
      if (keys[i] === id) break;
    }
    // Backward-shift deletion: pull later cells of the run into the hole when their home allows it.
    let hole = i;
    for (let j = (i + 1) & mask; vals[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(keys[j]!);
      const between = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (between) continue;
      keys[hole] = keys[j]!;
      vals[hole] = vals[j]!;
      hole = j;
    }
    vals[hole] = 0;
    this.size--;
    return true;
  }

  clear(): void {
    this.keys = new Uint32Array(1024);
    this.vals = new Uint32Array(1024);
    this.mask = 1023;
    this.size = 0;
  }

  memoryBytes(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }

  private resize(cells: number) {
    const { keys, vals } = this;
    this.keys = new Uint32Array(cells);
    this.vals = new Uint32Array(cells);
    this.mask = cells - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (vals[i] !== 0) this.set(keys[i]!, vals[i]! - 1);
  }
}
