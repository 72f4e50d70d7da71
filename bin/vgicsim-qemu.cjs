#!/usr/bin/env node
// `vgicsim-qemu ARGS` is `vgicsim qemu ARGS`: a drop-in for qemu-system-aarch64
// in scripts that take the QEMU binary's name (e.g. QEMU=vgicsim-qemu).
'use strict';
process.argv.splice(2, 0, 'qemu');
require('./vgicsim.cjs');
