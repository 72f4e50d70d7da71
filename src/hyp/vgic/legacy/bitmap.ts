// vgic_bitmap of the legacy vgic (Linux <= 4.6 vgic.c): one bit per
// interrupt, the 32 private ones banked per vcpu, the SPIs shared. Stored
// as bytes (one per interrupt) so that reads and writes do not allocate.

import { PRIVATE_COUNT } from '../../../hw/gic/intid.ts';

export class IrqBitmap {
  readonly priv: Uint8Array[] = [];
  readonly shared: Uint8Array;

  constructor(nrVcpus: number, nrSpis: number) {
    for (let v = 0; v < nrVcpus; v++) this.priv.push(new Uint8Array(PRIVATE_COUNT));
    this.shared = new Uint8Array(nrSpis);
  }

  get(vcpu: number, intid: number): boolean {
    return intid < PRIVATE_COUNT ? this.priv[vcpu][intid] !== 0 : this.shared[intid - PRIVATE_COUNT] !== 0;
  }

  set(vcpu: number, intid: number, v: boolean): void {
    if (intid < PRIVATE_COUNT) this.priv[vcpu][intid] = v ? 1 : 0;
    else this.shared[intid - PRIVATE_COUNT] = v ? 1 : 0;
  }

  /** Plain data for a snapshot. */
  toData(): { priv: number[][]; shared: number[] } {
    return { priv: this.priv.map((p) => [...p]), shared: [...this.shared] };
  }

  fromData(s: { priv: number[][]; shared: number[] }): void {
    s.priv.forEach((p, v) => {
      this.priv[v].set(p);
    });
    this.shared.set(s.shared);
  }
}

/** vgic_cpu's pending_percpu + pending_shared (and the active pair): every interrupt, per vcpu. */
export class CpuBitmap {
  readonly bits: Uint8Array[] = [];

  constructor(nrVcpus: number, nrIrqs: number) {
    for (let v = 0; v < nrVcpus; v++) this.bits.push(new Uint8Array(nrIrqs));
  }

  get(vcpu: number, intid: number): boolean {
    return this.bits[vcpu][intid] !== 0;
  }

  set(vcpu: number, intid: number, v: boolean): void {
    this.bits[vcpu][intid] = v ? 1 : 0;
  }

  toData(): number[][] {
    return this.bits.map((b) => [...b]);
  }

  fromData(s: number[][]): void {
    s.forEach((b, v) => {
      this.bits[v].set(b);
    });
  }
}
