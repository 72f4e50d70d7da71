// How many list registers a vgic can run with. The architecture allows 1 to
// 64 (GICH_VTR.ListRegs + 1, GICv2 5.3.2), but KVM cannot make progress with
// one: when more interrupts are in flight than LRs, both the old vgic
// (vgic_enable_underflow) and the new one (vgic_v2_configure_hcr) set
// GICH_HCR.UIE, and the underflow maintenance interrupt is asserted while at
// most one LR is valid (GICv2 5.3.4, GICH_MISR.U). With a single LR that
// holds at the very entry, so the vcpu exits before executing anything,
// the flush writes the same LR and UIE again, and it never gets out
// (a livelock, not a slow path). With two, U holds only once the guest has
// consumed one, which is progress. Real GICv2 parts have 4 (GIC-400).

/** The fewest list registers the hypervisor accepts. */
export const MIN_LIST_REGISTERS = 2;

/** Why `nLR` list registers cannot run under KVM, or null when they can. */
export function listRegisterProblem(nLR: number): string | null {
  if (nLR >= MIN_LIST_REGISTERS) return null;
  return `${nLR} list register${nLR === 1 ? '' : 's'}: KVM needs at least ${MIN_LIST_REGISTERS} (with one, the underflow maintenance interrupt, GICH_HCR.UIE, fires at every entry once interrupts overflow the LRs: a livelock)`;
}
