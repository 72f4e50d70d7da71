// KVM_DEV_ARM_VGIC_GRP_ADDR of the arm-vgic-v2 / arm-vgic-v3 device: the
// guest physical addresses of the GIC frames as a VMM sets them
// (linux-7.0 kvm_vgic_addr, vgic_check_iorange, vgic_v3_set_redist_base /
// vgic_v3_alloc_redist_region). KVM's own checks come first, with its
// errnos; the board fixes its memory map, so an address KVM would take
// but that is not the board's is refused last (-EINVAL, a model restriction).

import { MEMMAP, REDIST_REGIONS } from '../../hw/board/memory-map.ts';
import { fail, type KvmResult, ok } from './uapi.ts';

/** KVM_VGIC_V2_ADDR_TYPE_DIST / _CPU */
export const KVM_VGIC_V2_ADDR_TYPE_DIST = 0n;
export const KVM_VGIC_V2_ADDR_TYPE_CPU = 1n;
/** KVM_VGIC_V3_ADDR_TYPE_DIST / _REDIST / _REDIST_REGION (arm-vgic-v3) */
export const KVM_VGIC_V3_ADDR_TYPE_DIST = 2n;
export const KVM_VGIC_V3_ADDR_TYPE_REDIST = 3n;
export const KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION = 5n;

/** VGIC_ADDR_UNDEF: what KVM reads back for an address never set ((phys_addr_t)-1). */
export const VGIC_ADDR_UNDEF = 0xffff_ffff_ffff_ffffn;
/** KVM_VGIC_V3_REDIST_SIZE: RD_base + SGI_base, 128 KiB per redistributor */
const REDIST_SIZE = 0x2_0000;
/** The VM's IPA space: KVM's default 40 bits (KVM_VM_TYPE_ARM_IPA_SIZE 0), kvm_phys_size */
const IPA_SIZE = 1n << 40n;

/** KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION's value: index [11:0], flags [15:12], base [51:16] (64 KiB units), count [63:52]. */
function redistRegionAttr(value: bigint): {
  index: number;
  flags: number;
  base: number;
  count: number;
} {
  return {
    index: Number(value & 0xfffn),
    flags: Number((value >> 12n) & 0xfn),
    base: Number(value & 0x000f_ffff_ffff_0000n),
    count: Number(value >> 52n),
  };
}

/** A redistributor region userspace set: `count` 0 is the legacy KVM_VGIC_V3_ADDR_TYPE_REDIST (one per vcpu). */
interface RdRegion {
  readonly index: number;
  readonly base: number;
  readonly count: number;
}

/** vgic_check_iorange with the frame unset: alignment (-EINVAL), wrap (-EINVAL), beyond the IPA space (-E2BIG). */
function checkIorange(addr: bigint, alignment: number, size: number): KvmResult {
  if (addr % BigInt(alignment) !== 0n || size % alignment !== 0)
    return fail('EINVAL', `0x${addr.toString(16)}: not ${alignment / 1024} KiB aligned`);
  if (addr + BigInt(size) > IPA_SIZE)
    return fail('E2BIG', `0x${addr.toString(16)} + 0x${size.toString(16)} is beyond the 40-bit IPA space`);
  return ok(undefined);
}

/**
 * The addresses of one vgic device: which frames userspace has set (a
 * second set of DIST, CPU or the legacy REDIST is -EEXIST, as
 * vgic_check_iorange finds the frame defined) and the redistributor
 * regions in the order they were added.
 */
export class VgicAddrs {
  private dist = false;
  private cpu = false;
  private readonly regions: RdRegion[] = [];

  /** `nrVcpus`: the VM's vcpus (KVM sizes a legacy REDIST region by online_vcpus) */
  constructor(
    private readonly v3: boolean,
    private readonly nrVcpus: () => number,
  ) {}

  /** KVM_HAS_DEVICE_ATTR: the types of this model (vgic_check_type) */
  has(type: bigint): boolean {
    return this.v3
      ? type === KVM_VGIC_V3_ADDR_TYPE_DIST ||
          type === KVM_VGIC_V3_ADDR_TYPE_REDIST ||
          type === KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION
      : type === KVM_VGIC_V2_ADDR_TYPE_DIST || type === KVM_VGIC_V2_ADDR_TYPE_CPU;
  }

  set(type: bigint, value: bigint): KvmResult {
    // kvm_vgic_addr: a type of the other model is -ENODEV, reported as -ENXIO by vgic_set_common_attr
    if (!this.has(type)) return fail('ENXIO', `no address type ${type} for this vgic model`);
    if (type === KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION) {
      const r = redistRegionAttr(value);
      if (r.count === 0 || r.flags !== 0)
        return fail(
          'EINVAL',
          `redistributor region: count ${r.count}, flags ${r.flags} (count >= 1, flags 0)`,
        );
      return this.addRegion(r.index, BigInt(r.base), r.count);
    }
    if (type === KVM_VGIC_V3_ADDR_TYPE_REDIST) return this.addRegion(0, value, 0);
    const distType = type === KVM_VGIC_V2_ADDR_TYPE_DIST || type === KVM_VGIC_V3_ADDR_TYPE_DIST;
    if (distType ? this.dist : this.cpu)
      return fail('EEXIST', `the ${distType ? 'distributor' : 'cpu interface'} address is set already`);
    const addr = value;
    // v2 frames are 4 KiB aligned (4 KiB distributor, 8 KiB cpu interface), v3's distributor 64 KiB
    const r = checkIorange(
      addr,
      this.v3 ? 0x1_0000 : 0x1000,
      this.v3 ? 0x1_0000 : distType ? 0x1000 : 0x2000,
    );
    if (!r.ok) return r;
    const want = distType ? MEMMAP.GICD.base : MEMMAP.GICC.base;
    if (addr !== BigInt(want)) return fail('EINVAL', `the board's frame is at 0x${want.toString(16)}`);
    if (distType) this.dist = true;
    else this.cpu = true;
    return ok(undefined);
  }

  /** KVM_GET_DEVICE_ATTR; REDIST_REGION reads the region whose index is `value` [11:0] (-ENOENT if none) */
  get(type: bigint, value: bigint): KvmResult<bigint> {
    if (!this.has(type)) return fail('ENXIO', `no address type ${type} for this vgic model`);
    if (type === KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION) {
      const index = Number(value & 0xfffn);
      const r = this.regions.find((g) => g.index === index);
      if (r === undefined) return fail('ENOENT', `no redistributor region ${index}`);
      return ok(BigInt(index) | BigInt(r.base) | (BigInt(r.count) << 52n));
    }
    if (type === KVM_VGIC_V3_ADDR_TYPE_REDIST)
      return ok(this.regions.length > 0 ? BigInt(this.regions[0].base) : VGIC_ADDR_UNDEF);
    const distType = type === KVM_VGIC_V2_ADDR_TYPE_DIST || type === KVM_VGIC_V3_ADDR_TYPE_DIST;
    if (!(distType ? this.dist : this.cpu)) return ok(VGIC_ADDR_UNDEF);
    return ok(BigInt(distType ? MEMMAP.GICD.base : MEMMAP.GICC.base));
  }

  /**
   * How many redistributors the regions set provide (a legacy region: one
   * per vcpu), or undefined when userspace set none (the model then uses
   * the board's; KVM would refuse the first KVM_RUN with -ENXIO).
   */
  redistributors(): number | undefined {
    if (this.regions.length === 0) return undefined;
    let n = 0;
    for (const r of this.regions) n += r.count === 0 ? this.nrVcpus() : r.count;
    return n;
  }

  /** vgic_v3_alloc_redist_region's checks in its order, then the board's region `index`. */
  private addRegion(index: number, base: bigint, count: number): KvmResult {
    const last = this.regions.at(-1);
    if (last === undefined) {
      if (index !== 0) return fail('EINVAL', `the first redistributor region must be index 0, not ${index}`);
    } else {
      if (count === 0 && last.count !== 0)
        return fail('EINVAL', 'KVM_VGIC_V3_ADDR_TYPE_REDIST after REDIST_REGION (no mixing)');
      if (count === 0) return fail('EEXIST', 'the redistributor address is set already');
      if (index !== last.index + 1)
        return fail('EINVAL', `redistributor region index ${index}: the next one is ${last.index + 1}`);
    }
    const n = count === 0 ? this.nrVcpus() : count;
    const r = checkIorange(base, 0x1_0000, n * REDIST_SIZE);
    if (!r.ok) return r;
    const board = REDIST_REGIONS[index];
    if (board === undefined || base !== BigInt(board.base))
      return fail(
        'EINVAL',
        board === undefined
          ? `the board has ${REDIST_REGIONS.length} redistributor regions`
          : `the board's redistributor region ${index} is at 0x${board.base.toString(16)}`,
      );
    if (n * REDIST_SIZE > board.size)
      return fail(
        'EINVAL',
        `${n} redistributors do not fit the board's region ${index} (${board.size / REDIST_SIZE})`,
      );
    this.regions.push({ index, base: board.base, count });
    return ok(undefined);
  }
}
