// Trace records -> the waveform a report draws: level tracks (the same wires
// as the VCD writer, src/export/vcd.ts), exits as spans by reason, and
// IAR/EOIR/DIR reads and vgic injections as markers. Plain numbers and
// strings only: the result is embedded in the page as JSON.

import type { TraceRecord } from '../../sim/trace/records.ts';

/** LR State field: bits [29:28] of GICH_LRn (GICv2 §5.3.11). */
const LR_STATE_SHIFT = 28;

/** Records beyond this are not drawn (the page says so): a browser stays responsive. */
export const MAX_RECORDS = 200_000;

export type TrackKind = 'bit' | 'lr' | 'vcpu';

export interface Track {
  readonly key: string;
  /** what a hypervisor developer calls it */
  readonly label: string;
  readonly kind: TrackKind;
  /**
   * Changes as flat pairs [t0, v0, t1, v1, ...], time-ordered, only real changes.
   * bit: 0/1; lr: state (0 invalid, 1 pending, 2 active, 3 pending+active) + 4*INTID;
   * vcpu: 0 guest, 1 hyp, 2 blocked, 3 off.
   */
  readonly ch: number[];
  /** times where the signal changed and changed back within one tick (a pulse the ruler cannot show) */
  readonly gl: number[];
}

export interface Span {
  readonly t0: number;
  readonly t1: number;
  readonly cpu: number;
  readonly reason: string;
}

export interface Marker {
  readonly t: number;
  readonly cpu: number;
  readonly kind: 'ack' | 'eoi' | 'dir' | 'inject' | 'note';
  readonly label: string;
}

export interface Waveform {
  readonly tracks: Track[];
  readonly exits: Span[];
  readonly markers: Marker[];
  /** first and last time shown */
  readonly from: number;
  readonly to: number;
  /** records in the trace, and how many were drawn (fewer when capped) */
  readonly records: number;
  readonly drawn: number;
}

export const VCPU_STATES = ['guest', 'hyp', 'blocked', 'off'] as const;

/** Track order: the path of an interrupt from the timer to the guest. */
function rank(key: string): number {
  if (/\.(cntv|cntp|cnthp|cnthv)$/.test(key)) return 0;
  if (key.startsWith('vgic.') && key.endsWith('_line')) return 1;
  if (key.startsWith('gic.')) return 2;
  if (key.startsWith('phys.')) return 3;
  if (/^cpu\d+\.(irq|fiq)$/.test(key)) return 4;
  if (key.startsWith('lr.')) return 5;
  if (key.startsWith('virt.')) return 6;
  if (/^cpu\d+\.v(irq|fiq)$/.test(key)) return 7;
  if (/^vcpu\d+\.pstate_i$/.test(key)) return 7.5;
  if (key.startsWith('vcpu.')) return 8;
  return 9;
}

const cpuName = (cpu: number) => (cpu >= 0 ? `cpu${cpu}` : 'shared');

function labelOf(key: string): string {
  let m = /^(phys|virt)\.(\w+)\.intid(\d+)\.(pending|active)$/.exec(key);
  if (m) return `${m[1] === 'phys' ? 'GICD' : 'virtual'} INTID ${m[3]} ${m[4]} (${m[2]})`;
  m = /^lr\.vcpu(\d+)\.lr(\d+)$/.exec(key);
  if (m) return `GICH_LR${m[2]} (vcpu${m[1]})`;
  m = /^vcpu\.(\d+)$/.exec(key);
  if (m) return `vcpu${m[1]} guest / hyp / blocked`;
  m = /^vgic\.(\w+)\.intid(\d+)_line$/.exec(key);
  if (m) return `vgic line INTID ${m[2]} (${m[1]}, as injected)`;
  m = /^(cpu\d+)\.(cntv|cntp|cnthp|cnthv)$/.exec(key);
  if (m) return `${m[1]} timer ${m[2].toUpperCase()} output (ISTATUS && !IMASK)`;
  m = /^(cpu\d+)\.(v?)(irq|fiq)$/.exec(key);
  if (m)
    return `${m[1]} ${m[2] ? 'virtual ' : ''}${m[3].toUpperCase()} line${m[2] ? ' (GICV -> vcpu)' : ' (GICC -> cpu)'}`;
  m = /^vcpu(\d+)\.pstate_i$/.exec(key);
  if (m) return `vcpu${m[1]} PSTATE.I (1: IRQs masked)`;
  m = /^gic\.ppi(\d+)$/.exec(key);
  if (m) return `GIC input PPI ${m[1]}`;
  return key;
}

/** Builds the waveform of `records` (time-ordered). `endTicks` extends the last values. */
export function buildWaveform(records: readonly TraceRecord[], endTicks: number): Waveform {
  const tracks = new Map<string, { kind: TrackKind; ch: number[]; gl: number[] }>();
  const exits: Span[] = [];
  const markers: Marker[] = [];
  const openExit = new Map<number, { t0: number; reason: string }>();
  const lrsOf = new Map<number, Set<number>>();
  const set = (key: string, kind: TrackKind, t: number, v: number) => {
    let tr = tracks.get(key);
    if (tr === undefined) {
      tr = { kind, ch: [], gl: [] };
      tracks.set(key, tr);
    }
    const n = tr.ch.length;
    if (n > 0 && tr.ch[n - 1] === v) return;
    if (n === 0 && v === 0) {
      tr.ch.push(t, 0);
      return;
    }
    if (n > 0 && tr.ch[n - 2] === t) {
      // changed back within this tick: no change at t, but a pulse worth marking
      if ((n >= 4 ? tr.ch[n - 3] : 0) === v) {
        tr.ch.length = n - 2;
        if (tr.gl[tr.gl.length - 1] !== t) tr.gl.push(t);
      } else tr.ch[n - 1] = v;
    } else tr.ch.push(t, v);
  };
  const drawn = Math.min(records.length, MAX_RECORDS);
  const from = drawn > 0 ? records[0].t : 0;
  let last = from;
  for (let i = 0; i < drawn; i++) {
    const r = records[i];
    last = r.t;
    switch (r.kind) {
      case 'line':
        set(r.signal, 'bit', r.t, r.level ? 1 : 0);
        break;
      case 'irq': {
        const base = `${r.gic}.${cpuName(r.cpu)}.intid${r.intid}`;
        set(`${base}.pending`, 'bit', r.t, r.pending ? 1 : 0);
        set(`${base}.active`, 'bit', r.t, r.active ? 1 : 0);
        break;
      }
      case 'vcpu': {
        set(`vcpu.${r.cpu}`, 'vcpu', r.t, VCPU_STATES.indexOf(r.state));
        const open = openExit.get(r.cpu);
        if (open !== undefined) {
          exits.push({ t0: open.t0, t1: r.t, cpu: r.cpu, reason: open.reason });
          openExit.delete(r.cpu);
        }
        if (r.state === 'hyp') openExit.set(r.cpu, { t0: r.t, reason: r.reason ?? 'hyp' });
        break;
      }
      case 'vgic-lr': {
        let lrs = lrsOf.get(r.cpu);
        if (lrs === undefined) {
          lrs = new Set();
          lrsOf.set(r.cpu, lrs);
        }
        lrs.add(r.lr);
        const state = (r.value >>> LR_STATE_SHIFT) & 3;
        set(`lr.vcpu${r.cpu}.lr${r.lr}`, 'lr', r.t, state === 0 ? 0 : state + 4 * r.intid);
        break;
      }
      case 'vgic-sync':
        for (const lr of lrsOf.get(r.cpu) ?? []) set(`lr.vcpu${r.cpu}.lr${lr}`, 'lr', r.t, 0);
        break;
      case 'vgic-inject':
        set(`vgic.${cpuName(r.cpu)}.intid${r.intid}_line`, 'bit', r.t, r.level ? 1 : 0);
        markers.push({
          t: r.t,
          cpu: r.cpu,
          kind: 'inject',
          label: `inject ${r.intid} level=${r.level ? 1 : 0}${r.accepted ? '' : ' (no change)'}`,
        });
        break;
      case 'ack':
        markers.push({
          t: r.t,
          cpu: r.cpu,
          kind: 'ack',
          label: `${r.gic === 'virt' ? 'GICV_IAR' : 'GICC_IAR'} -> ${r.intid}`,
        });
        break;
      case 'eoi':
        markers.push({
          t: r.t,
          cpu: r.cpu,
          kind: 'eoi',
          label: `${r.gic === 'virt' ? 'GICV_EOIR' : 'GICC_EOIR'} ${r.intid}`,
        });
        break;
      case 'dir':
        markers.push({
          t: r.t,
          cpu: r.cpu,
          kind: 'dir',
          label: `${r.gic === 'virt' ? 'GICV_DIR' : 'GICC_DIR'} ${r.intid}`,
        });
        break;
      case 'note':
        markers.push({ t: r.t, cpu: r.cpu, kind: 'note', label: r.text });
        break;
      default:
        break;
    }
  }
  const to = Math.max(last, drawn === records.length ? endTicks : last, from + 1);
  for (const [cpu, open] of openExit) exits.push({ t0: open.t0, t1: to, cpu, reason: open.reason });
  // pending before active within one INTID
  const order = (k: string) => k.replace(/\.pending$/, '.0').replace(/\.active$/, '.1');
  const keys = [...tracks.keys()].sort(
    (a, b) => rank(a) - rank(b) || (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0),
  );
  return {
    tracks: keys.map((key) => ({ key, label: labelOf(key), ...tracks.get(key)! })),
    exits,
    markers,
    from,
    to,
    records: records.length,
    drawn,
  };
}

/** The value of a track at time t (the last change at or before t), 0 before the first. */
export function valueAt(track: Track, t: number): number {
  let v = 0;
  for (let i = 0; i < track.ch.length && track.ch[i] <= t; i += 2) v = track.ch[i + 1];
  return v;
}
