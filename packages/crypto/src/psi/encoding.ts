// Byte writer/reader for the fixed binary layouts of tables, vouchers and account secrets. Integers are
// big-endian; every read is bounds-checked, and decoders must call end() so trailing bytes are refused.
import { PsiError } from './errors.ts';

export class Writer {
  private parts: Uint8Array[] = [];
  private n = 0;
  u8(v: number): this {
    return this.bytes(Uint8Array.of(v));
  }
  u16(v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v);
    return this.bytes(b);
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    return this.bytes(b);
  }
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.n += b.length;
    return this;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.n);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export class Reader {
  private o = 0;
  private view: DataView;
  constructor(
    private buf: Uint8Array,
    private what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get offset(): number {
    return this.o;
  }
  private need(n: number): void {
    if (this.o + n > this.buf.length) throw new PsiError('bad-encoding', `${this.what}: truncated at byte ${this.o}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.o++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.o);
    this.o += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.o);
    this.o += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.o, this.o + n);
    this.o += n;
    return b;
  }
  end(): void {
    if (this.o !== this.buf.length)
      throw new PsiError('bad-encoding', `${this.what}: ${this.buf.length - this.o} trailing bytes`);
  }
}

export function u16be(v: number): Uint8Array {
  return new Writer().u16(v).finish();
}
