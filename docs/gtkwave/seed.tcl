# GTKWave script: the signals that tell the seed's story, fitted to the window.
# Usage: gtkwave out/seed.legacy-edge.vcd -S docs/gtkwave/seed.tcl
set sigs [list \
  vcpu0.in_guest vcpu0.in_hyp \
  cpu0.cntv gic.ppi27 cpu0.irq \
  phys.cpu0.intid27.pending phys.cpu0.intid27.active \
  vgic.cpu0.intid27_line {vgic.vcpu0.lr0[1:0]} \
  cpu0.virq virt.cpu0.intid27.pending virt.cpu0.intid27.active ]
gtkwave::addSignalsFromList $sigs
gtkwave::/Time/Zoom/Zoom_Best_Fit
