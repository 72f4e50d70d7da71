// The page's stylesheet (inline; system fonts only, no network).

export const STYLE_CSS = `
:root { --fg:#1d232b; --muted:#5b6675; --bg:#fbfbfc; --line:#d7dce3; --ok:#1a7f37; --bad:#c62828; --accent:#0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 14px 22px 10px; background: #17202b; color: #eef2f6; }
header h1 { margin: 0 0 2px; font-size: 19px; font-weight: 600; }
header .meta { color: #b4c0cc; font-size: 13px; }
header .desc { margin: 6px 0 0; max-width: 110ch; white-space: pre-wrap; color: #dde4ea; }
main { padding: 8px 22px 40px; }
section { margin: 18px 0; }
h2 { font-size: 16px; margin: 20px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 3px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--ok); font-weight: 600; }
.fail { color: var(--bad); font-weight: 600; }
.mismatch { background: #fff1f0; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre.uart { background: #10161d; color: #d8f3d0; padding: 8px 10px; max-height: 320px; overflow: auto; white-space: pre-wrap; border-radius: 4px; }
.note { background: #fff8e1; border: 1px solid #f0d98a; padding: 6px 10px; border-radius: 4px; max-width: 110ch; }
.wave { border: 1px solid var(--line); border-radius: 4px; background: #fff; margin: 8px 0; }
.toolbar { display: flex; gap: 6px; align-items: center; padding: 5px 8px; border-bottom: 1px solid var(--line); background: #f4f6f9; font-size: 12.5px; flex-wrap: wrap; }
.toolbar button { font: inherit; padding: 1px 9px; border: 1px solid #b9c2cd; background: #fff; border-radius: 3px; cursor: pointer; }
.toolbar .range, .toolbar .readout { color: var(--muted); margin-left: 8px; }
.toolbar .hint { margin-left: auto; color: var(--muted); }
.plot { overflow-x: hidden; }
svg.wavesvg { display: block; font: 12px system-ui, sans-serif; user-select: none; cursor: crosshair; outline: none; }
svg .label { fill: #2b3440; }
svg .val { fill: #0b5cad; text-anchor: end; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11.5px; }
svg .runtitle { font-weight: 700; fill: #17202b; font-size: 13px; }
svg .ticktext { fill: #2b3440; font-size: 11px; }
svg .sectext { fill: #6b7684; font-size: 11px; }
svg .rulerbg { fill: #fff; }
svg .grid { stroke: #edf0f4; }
svg .level { fill: none; stroke: #0b5cad; stroke-width: 1.6; }
svg .track.differs .label { fill: #b35400; font-weight: 700; }
svg .track.differs .level { stroke: #d46b08; }
svg .diffmark { stroke: #d46b08; stroke-width: 3; }
svg .idle { stroke: #c5ccd5; }
svg .band { stroke: #fff; stroke-width: 0.5; }
svg .lr-pending { fill: #ffd666; } svg .lr-active { fill: #69b1ff; } svg .lr-pendingactive { fill: #b37feb; }
svg .vc-guest { fill: #95de64; } svg .vc-hyp { fill: #ffa940; } svg .vc-blocked { fill: #bfbfbf; } svg .vc-off { fill: #595959; }
svg .bandtext, svg .spantext { fill: #1d232b; font-size: 11px; pointer-events: none; }
svg .glitch { stroke: #cf1322; stroke-width: 2; }
svg .dense { fill: #0b5cad; opacity: 0.5; }
svg .marker path { fill: #555; stroke: #555; }
svg .m-ack path { fill: #c62828; stroke: #c62828; } svg .m-eoi path { fill: #1a7f37; stroke: #1a7f37; }
svg .m-dir path { fill: #7b1fa2; stroke: #7b1fa2; } svg .m-inject path { fill: #d46b08; stroke: #d46b08; }
svg .marktext { font-size: 11px; fill: #333; }
svg .divergence path { stroke: #c62828; stroke-width: 2; stroke-dasharray: 5 3; }
svg .divtext { fill: #c62828; font-weight: 700; font-size: 12px; }
svg .cursor { stroke: #888; stroke-dasharray: 2 2; pointer-events: none; }
.legend { font-size: 12px; color: var(--muted); margin: 4px 0; }
.legend i { display: inline-block; width: 12px; height: 10px; margin: 0 3px 0 10px; vertical-align: -1px; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; max-width: 900px; }
.side > div { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; background: #fff; }
.side h3 { margin-top: 0; }
#filters { display: flex; gap: 10px; align-items: center; margin: 6px 0; }
#filters input, #filters select { font: inherit; padding: 2px 4px; }
`;
