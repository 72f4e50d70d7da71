// Escaping for the HTML report: every piece of text that reaches the page
// (scenario names, descriptions, UART output, verdict texts) is untrusted.

const HTML: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\u2028': '&#x2028;',
  '\u2029': '&#x2029;',
};

/** Text for an element body or a quoted attribute value (U+2028/2029 as references, so the file has none raw). */
export function esc(text: string): string {
  return text.replace(/[&<>"'\u2028\u2029]/g, (c) => HTML[c]);
}

/**
 * JSON for a `<script type="application/json">` body: `<`, `>` and `&` as
 * \u escapes (no `</script>`, `<!--` or `-->` can appear), and U+2028/2029
 * escaped too (line terminators in older JavaScript string literals).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
