// Save/restore of the legacy vgic: the bitmaps, priorities, targets, SGI
// sources, per-cpu summaries, mappings (with 4.2's map->active), and each
// vcpu's LR shadow (the LRs survive exits in this design, so they are
// state). Taken while no vcpu is in the guest (the VM quiesces first).

import type { VgicCounters } from '../counters.ts';
import type { LegacyDist } from './legacy-dist.ts';
import type { LegacyCpuIf } from './legacy-lr.ts';
import type { StateDigest } from '../../../sim/state-digest.ts';

type Bits = { priv: number[][]; shared: number[] };

export interface LegacyVgicState {
  readonly version: 1;
  readonly kind: 'legacy-vgic';
  readonly initialized: boolean;
  readonly enabled: boolean;
  readonly bitmaps: Record<string, Bits>;
  readonly cpuPending: number[][];
  readonly cpuActive: number[][];
  readonly priority: number[][];
  readonly spiPriority: number[];
  readonly spiTarget: number[];
  /** GICv3 model: irq_spi_mpidr (absent in snapshots of GICv2 guests taken before it existed) */
  readonly spiMpidr?: number[];
  readonly sgiSources: number[][];
  readonly pendingOnCpu: number[];
  readonly activeOnCpu: number[];
  readonly maps: [number, number, boolean][];
  readonly owners: [number, string][];
  readonly cpus: {
    lr: number[];
    used: number[];
    elrsr: number[];
    lrMap: number[];
    hcr: number;
    vmcr: number;
    apr: number;
    ap0r?: number;
  }[];
  readonly counters: VgicCounters;
}

const BITMAPS = [
  'irqEnabled',
  'irqLevel',
  'irqPending',
  'irqSoftPend',
  'irqQueued',
  'irqActive',
  'irqCfg',
] as const;

export function saveLegacy(d: LegacyDist, cpus: readonly LegacyCpuIf[]): LegacyVgicState {
  for (const c of cpus) if (c.inGuest) throw new RangeError('legacy vgic saved while a vcpu is in the guest');
  return legacyData(d, cpus);
}

/** The state as data, also while a vcpu is in the guest (its LR copies are then stale: GICH holds them). */
function legacyData(d: LegacyDist, cpus: readonly LegacyCpuIf[]): LegacyVgicState {
  const bitmaps: Record<string, Bits> = {};
  for (const b of BITMAPS) bitmaps[b] = d[b].toData();
  return {
    version: 1,
    kind: 'legacy-vgic',
    initialized: d.initialized,
    enabled: d.enabled,
    bitmaps,
    cpuPending: d.cpuPending.toData(),
    cpuActive: d.cpuActive.toData(),
    priority: d.priority.map((p) => [...p]),
    spiPriority: [...d.spiPriority],
    spiTarget: [...d.spiTarget],
    spiMpidr: [...d.spiMpidr],
    sgiSources: d.sgiSources.map((s) => [...s]),
    pendingOnCpu: [...d.pendingOnCpu],
    activeOnCpu: [...d.activeOnCpu],
    maps: [...d.maps].map(([k, m]) => [k, m.phys, m.active]),
    owners: [...d.owners],
    cpus: cpus.map((c) => ({
      lr: [...c.lr],
      used: [...c.used],
      elrsr: [...c.elrsr],
      lrMap: [...c.lrMap],
      hcr: c.hcr,
      vmcr: c.vmcr,
      apr: c.apr,
      ap0r: c.ap0r,
    })),
    counters: { ...d.counters },
  };
}

/**
 * What legacyData holds, into a running hash without building it (the
 * explorer's state hash), also while a vcpu is in the guest.
 */
export function legacyDigest(h: StateDigest, d: LegacyDist, cpus: readonly LegacyCpuIf[]): void {
  h.int((d.initialized ? 1 : 0) | (d.enabled ? 2 : 0));
  for (const b of BITMAPS) {
    for (const p of d[b].priv) h.bytes(p);
    h.bytes(d[b].shared);
  }
  for (const b of d.cpuPending.bits) h.bytes(b);
  for (const b of d.cpuActive.bits) h.bytes(b);
  for (const p of d.priority) h.bytes(p);
  h.bytes(d.spiPriority);
  h.bytes(d.spiTarget);
  h.words(d.spiMpidr);
  for (const x of d.sgiSources) h.bytes(x);
  h.bytes(d.pendingOnCpu);
  h.bytes(d.activeOnCpu);
  h.int(d.maps.size);
  for (const [k, m] of d.maps) {
    h.num(k);
    h.num(m.phys);
    h.int(m.active ? 1 : 0);
  }
  h.int(d.owners.size);
  for (const [k, o] of d.owners) {
    h.num(k);
    h.str(o);
  }
  for (const c of cpus) {
    h.words(c.lr);
    h.bytes(c.used);
    h.bytes(c.elrsr);
    h.words(c.lrMap);
    h.num(c.hcr);
    h.num(c.vmcr);
    h.num(c.apr);
    h.num(c.ap0r);
  }
  // the counters, as legacyData holds them (they decide nothing; kept so that the states merged stay those of the snapshot hash)
  h.value(d.counters);
}

export function restoreLegacy(d: LegacyDist, cpus: readonly LegacyCpuIf[], s: LegacyVgicState): void {
  if (s.version !== 1) throw new RangeError(`legacy vgic snapshot version ${s.version} is not supported`);
  d.initialized = s.initialized;
  d.enabled = s.enabled;
  for (const b of BITMAPS) d[b].fromData(s.bitmaps[b]);
  d.cpuPending.fromData(s.cpuPending);
  d.cpuActive.fromData(s.cpuActive);
  s.priority.forEach((p, v) => {
    d.priority[v].set(p);
  });
  d.spiPriority.set(s.spiPriority);
  d.spiTarget.set(s.spiTarget);
  d.spiMpidr.fill(0);
  if (s.spiMpidr !== undefined) d.spiMpidr.set(s.spiMpidr);
  s.sgiSources.forEach((x, v) => {
    d.sgiSources[v].set(x);
  });
  d.pendingOnCpu.set(s.pendingOnCpu);
  d.activeOnCpu.set(s.activeOnCpu);
  d.maps.clear();
  for (const [k, phys, active] of s.maps) d.maps.set(k, { phys, active });
  d.owners.clear();
  for (const [k, o] of s.owners) d.owners.set(k, o);
  s.cpus.forEach((x, v) => {
    const c = cpus[v];
    c.lr.set(x.lr);
    c.used.set(x.used);
    c.elrsr.set(x.elrsr);
    c.lrMap.set(x.lrMap);
    c.hcr = x.hcr;
    c.vmcr = x.vmcr;
    c.apr = x.apr;
    c.ap0r = x.ap0r ?? 0;
  });
  Object.assign(d.counters, s.counters);
}
