/**
 * A scalable Bloom filter: fixed-size segments whose capacity doubles as they fill, so memory
 * follows the number of keys (~19 bits a key at the 1e-4 false-positive rate per segment)
 * without knowing that number up front. No false negatives: "no" is certain.
 */
export class ScalableBloom {
  private readonly segments: Segment[] = []
  private total = 0

  constructor(
    initialCapacity = 1 << 16,
    private readonly falsePositiveRate = 1e-4,
  ) {
    this.segments.push(new Segment(initialCapacity, falsePositiveRate))
  }

  get size(): number {
    return this.total
  }

  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.bits.byteLength, 0)
  }

  add(key: string): void {
    let last = this.segments[this.segments.length - 1]!
    if (last.count >= last.capacity) {
      last = new Segment(last.capacity * 2, this.falsePositiveRate)
      this.segments.push(last)
    }
    const [h1, h2] = hashes(key)
    last.add(h1, h2)
    this.total++
  }

  mightContain(key: string): boolean {
    const [h1, h2] = hashes(key)
    for (const s of this.segments) if (s.mightContain(h1, h2)) return true
    return false
  }
}

class Segment {
  readonly bits: Uint32Array
  readonly m: number
  readonly k: number
  count = 0

  constructor(
    readonly capacity: number,
    p: number,
  ) {
    // Optimal sizes: m = -n·ln p / ln²2 bits, k = m/n·ln 2 probes (13 probes at p = 1e-4).
    this.m = Math.ceil((-capacity * Math.log(p)) / (Math.LN2 * Math.LN2))
    this.k = Math.max(1, Math.round((this.m / capacity) * Math.LN2))
    this.bits = new Uint32Array(Math.ceil(this.m / 32))
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < this.k; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0
      const b = bit % this.m
      this.bits[b >>> 5]! |= 1 << (b & 31)
    }
    this.count++
  }

  mightContain(h1: number, h2: number): boolean {
    for (let i = 0; i < this.k; i++) {
      const b = ((h1 + Math.imul(i, h2)) >>> 0) % this.m
      if ((this.bits[b >>> 5]! & (1 << (b & 31))) === 0) return false
    }
    return true
  }
}

/** Two 32-bit hashes (FNV-1a and a murmur-style mix) for double hashing (Kirsch–Mitzenmacher). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  a ^= a >>> 16
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 13
  // An odd step visits distinct positions for every probe.
  return [a >>> 0, (b | 1) >>> 0]
}
