#!/usr/bin/env node
// bin/vgicsim-qemu.cjs (package.json's `bin`) under an ES-module name.
import './vgicsim-qemu.cjs';
