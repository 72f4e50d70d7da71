// A64 decoding: decode(w, ops, f, i) fills slot i of a DecodedPage from the
// declarative table of encodings (isa/, Arm ARM C4.1). Every encoding not
// implemented becomes OP_UNDEF with a reason, so a guest executing it takes
// the UNDEFINED exception.

export { decodeWord as decode } from './isa/table.ts';
