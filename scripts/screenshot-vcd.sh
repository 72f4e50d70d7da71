#!/usr/bin/env bash
# Regenerates docs/seed-*.png: the seed scenario's waveforms in GTKWave, headless.
# Needs Debian's gtkwave, xvfb and imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
npm start >/dev/null
for p in level legacy-edge; do
  xvfb-run -a -s "-screen 0 1280x720x24" bash -c "
    gtkwave out/seed.$p.vcd -S docs/gtkwave/seed.tcl >/dev/null 2>&1 &
    sleep 4; import -window root docs/seed-$p.png; kill %1" 
done
echo "wrote docs/seed-level.png docs/seed-legacy-edge.png"
