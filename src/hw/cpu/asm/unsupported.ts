// Instructions the assembler knows it does not support (docs/assembler.md
// "Not supported"), so that `fmov d0, #1.0` is told which instruction form is
// missing rather than "unknown instruction".

import type { Token } from './literals.ts';

const CLASSES: [RegExp, string][] = [
  [
    /^(f(mov|add|sub|mul|nmul|div|madd|msub|nmadd|nmsub|neg|abs|sqrt|cmp|cmpe|ccmp|ccmpe|csel|cvt[a-z]*|rint[a-z]|max(nm)?|min(nm)?|jcvtzs)|[su]cvtf|movi|mvni|dup|ins|umov|smov|ld[1-4]r?|st[1-4]|[su]?addl?v|[su](max|min)v|tbl|tbx|zip[12]|uzp[12]|trn[12]|ext|cnt|bsl|bit|bif)$/,
    'a SIMD/FP instruction',
  ],
  [
    /^(ld(add|clr|eor|set|smax|smin|umax|umin)(a|al|l)?[bh]?|st(add|clr|eor|set|smax|smin|umax|umin)l?[bh]?|swp(a|al|l)?[bh]?|casp?(a|al|l)?[bh]?)$/,
    'an LSE atomic',
  ],
  [
    /^(pac[a-z0-9]*|aut[a-z0-9]*|xpac[a-z]*|reta[ab]|bra[ab]z?|blra[ab]z?|ereta[ab]|ldra[ab])$/,
    'a pointer-authentication instruction',
  ],
  [/^(prfm|prfum)$/, 'a prefetch'],
  [/^(ldnp|stnp)$/, 'a non-temporal pair load/store'],
  [/^(ldtr|sttr)(b|h|sb|sh|sw)?$/, 'an unprivileged load/store'],
  [/^(ngc|ngcs)$/, 'negate with carry'],
];

const SIMD_REG = /^([bhsdq])([0-9]|[12][0-9]|3[01])$|^v([0-9]|[12][0-9]|3[01])(\.|$)/i;

/** The Arm ARM's name of the form, from the operands: `FMOV (scalar, immediate)`. */
function form(mnemonic: string, operands: readonly Token[]): string {
  const first = operands.find((t) => t.kind === 'ident');
  const parts: string[] = [];
  if (first !== undefined && SIMD_REG.test(first.text))
    parts.push(/^v/i.test(first.text) ? 'vector' : 'scalar');
  if (operands.some((t) => t.kind === 'float' || (t.kind === 'punct' && t.text === '#')))
    parts.push('immediate');
  else if (parts.length > 0) parts.push('register');
  return parts.length === 0 ? mnemonic.toUpperCase() : `${mnemonic.toUpperCase()} (${parts.join(', ')})`;
}

/** Message for a mnemonic the assembler knowingly lacks, or null. */
export function unsupportedInstruction(mnemonic: string, operands: readonly Token[]): string | null {
  const name = mnemonic.toLowerCase();
  for (const [re, what] of CLASSES) {
    if (re.test(name)) {
      return `${form(name, operands)} is ${what}, which this assembler does not support (docs/assembler.md, "Not supported"); write its encoding with .inst`;
    }
  }
  return null;
}

/** Message for an operand that is a SIMD/FP register, or null. */
export function simdRegister(text: string): string | null {
  return SIMD_REG.test(text.split(/[ ,]/)[0])
    ? `SIMD/FP register '${text}' is not supported: this assembler has general-purpose registers only`
    : null;
}
