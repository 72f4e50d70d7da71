// A check of the encoder on its own: a module whose function returns an
// i64 constant (as an f64), compiled and run. For the tests of the LEB128
// encodings (test/hw/cpu/jit-wasm.test.ts).

import { F64, FuncBuilder, moduleBytes, OP } from './encoder.ts';

interface WasmApi {
  Memory: new (d: { initial: number }) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The value of the i64 constant hi:lo (signed) as the compiled module computes it. */
export function encodeModuleForTest(lo: number, hi: number): number {
  const fb = new FuncBuilder(0);
  fb.i64(lo, hi).op(OP.f64ConvertI64S);
  const bytes = moduleBytes([], [F64], fb);
  const inst = new WA.Instance(new WA.Module(bytes), { m: { mem: new WA.Memory({ initial: 1 }) } });
  return (inst.exports.run as () => number)();
}
