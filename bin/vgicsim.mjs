#!/usr/bin/env node
// The vgicsim command (bin/vgicsim.cjs, which package.json's `bin` names): an
// ES-module name for it, kept for the scripts and documents that run
// `node bin/vgicsim.mjs`.
import './vgicsim.cjs';
