// The page's script (inline, no network): draws each `.wave` box as SVG from
// the embedded JSON, with zoom (wheel, +/-), pan (drag, shift+wheel, arrows)
// and links that jump to an instant. Text reaches the DOM only through
// textContent. Drawing is decimated to one change per pixel column; every
// drawn track carries its visible edges in data-edges ("t:v t:v ...") so
// tests can read the waveform back from the DOM.

export const VIEWER_JS = String.raw`(function () {
'use strict';
var data = JSON.parse(document.getElementById('vgicsim-data').textContent);
var NS = 'http://www.w3.org/2000/svg';
var LABEL_W = 330, ROW = 20, GAP = 4, RULER = 38, TITLE = 24;
var VCPU = ['guest', 'hyp', 'blocked', 'off'];
var LR = ['invalid', 'pending', 'active', 'pending+active'];
var LR_SHORT = ['', 'P', 'A', 'P+A'];
function el(name, attrs, text, parent) {
  var e = document.createElementNS(NS, name);
  for (var k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined && text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
function secs(t) {
  var s = t / data.counterHz, a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a >= 1) return +s.toPrecision(4) + ' s';
  if (a >= 1e-3) return +(s * 1e3).toPrecision(4) + ' ms';
  if (a >= 1e-6) return +(s * 1e6).toPrecision(4) + ' \u00b5s';
  return +(s * 1e9).toPrecision(4) + ' ns';
}
function niceStep(raw) {
  var p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
  var m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
function hue(s) {
  var h = 0;
  for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 360;
  return h;
}
/** First change index i (even) whose time is > t, by binary search. */
function after(ch, t) {
  var lo = 0, hi = ch.length / 2;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (ch[mid * 2] <= t) lo = mid + 1; else hi = mid; }
  return lo * 2;
}
function Wave(box) {
  var self = this;
  this.box = box;
  this.runs = box.getAttribute('data-runs').split(',').map(function (i) { return data.runs[+i]; });
  this.diff = (data.diffs && data.diffs[box.id]) || {};
  var from = Infinity, to = -Infinity;
  this.runs.forEach(function (r) { from = Math.min(from, r.wave.from); to = Math.max(to, r.wave.to); });
  this.full = [from, to + Math.max(1, Math.ceil((to - from) / 40))];
  this.view = this.full.slice();
  this.svg = el('svg', { class: 'wavesvg', tabindex: 0 }, null, box.querySelector('.plot'));
  this.readout = box.querySelector('.readout');
  this.range = box.querySelector('.range');
  box.querySelectorAll('button[data-act]').forEach(function (b) {
    b.addEventListener('click', function () { self.act(b.getAttribute('data-act')); });
  });
  this.svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    if (e.shiftKey) self.pan((e.deltaY || e.deltaX) > 0 ? 0.1 : -0.1);
    else self.zoom(e.deltaY < 0 ? 0.8 : 1.25, self.tAt(e.clientX));
  }, { passive: false });
  var drag = null;
  this.svg.addEventListener('mousedown', function (e) { drag = { x: e.clientX, v: self.view.slice() }; });
  window.addEventListener('mouseup', function () { drag = null; });
  this.svg.addEventListener('mousemove', function (e) {
    if (drag) {
      var dt = (e.clientX - drag.x) / self.plotW() * (drag.v[1] - drag.v[0]);
      self.view = [drag.v[0] - dt, drag.v[1] - dt];
      self.draw();
    }
    self.cursor(e.clientX);
  });
  this.svg.addEventListener('dblclick', function () { self.act('fit'); });
  this.svg.addEventListener('keydown', function (e) {
    var m = { '+': 'in', '=': 'in', '-': 'out', ArrowLeft: 'left', ArrowRight: 'right', '0': 'fit' }[e.key];
    if (m) { e.preventDefault(); self.act(m); }
  });
  this.draw();
}
Wave.prototype.plotW = function () { return Math.max(200, this.box.querySelector('.plot').clientWidth - LABEL_W - 12); };
Wave.prototype.x = function (t) { return LABEL_W + (t - this.view[0]) / (this.view[1] - this.view[0]) * this.plotW(); };
Wave.prototype.tAt = function (clientX) {
  var r = this.svg.getBoundingClientRect();
  return this.view[0] + (clientX - r.left - LABEL_W) / this.plotW() * (this.view[1] - this.view[0]);
};
Wave.prototype.act = function (a) {
  var c = (this.view[0] + this.view[1]) / 2;
  if (a === 'in') this.zoom(0.5, c);
  else if (a === 'out') this.zoom(2, c);
  else if (a === 'left') this.pan(-0.25);
  else if (a === 'right') this.pan(0.25);
  else { this.view = this.full.slice(); this.draw(); }
};
Wave.prototype.zoom = function (f, c) {
  var w = Math.max(4, (this.view[1] - this.view[0]) * f);
  var k = (c - this.view[0]) / (this.view[1] - this.view[0]);
  this.view = [c - k * w, c - k * w + w];
  this.draw();
};
Wave.prototype.pan = function (f) {
  var d = (this.view[1] - this.view[0]) * f;
  this.view = [this.view[0] + d, this.view[1] + d];
  this.draw();
};
Wave.prototype.goTo = function (t) {
  var span = Math.max(16, (this.full[1] - this.full[0]) / 8);
  this.view = [t - span / 2, t + span / 2];
  this.draw();
  this.box.scrollIntoView({ block: 'start' });
  this.svg.focus({ preventScroll: true });
};
Wave.prototype.cursor = function (clientX) {
  var t = this.tAt(clientX);
  if (t < this.view[0] || t > this.view[1]) return;
  var x = this.x(t);
  this.cur.setAttribute('x1', x); this.cur.setAttribute('x2', x);
  this.cur.setAttribute('visibility', 'visible');
  this.readout.textContent = 'cursor t = ' + Math.round(t) + ' ticks (' + secs(t) + ')';
  this.vals.forEach(function (v) {
    var ch = v.tr.ch, i = after(ch, t) - 2, x = i >= 0 ? ch[i + 1] : 0;
    v.el.textContent = v.tr.kind === 'bit' ? String(x) : v.tr.kind === 'lr' ? (x & 3 ? LR_SHORT[x & 3] + ' ' + (x >> 2) : '-') : VCPU[x];
  });
};
Wave.prototype.draw = function () {
  var self = this, svg = this.svg, v0 = this.view[0], v1 = this.view[1];
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  var W = LABEL_W + this.plotW() + 8;
  svg.setAttribute('data-from', Math.round(v0));
  svg.setAttribute('data-to', Math.round(v1));
  this.range.textContent = 'showing t = ' + Math.round(v0) + ' .. ' + Math.round(v1) + ' ticks (' + secs(v0) + ' .. ' + secs(v1) + ')';
  var X = function (t) { return self.x(t); };
  var clampX = function (t) { return Math.min(LABEL_W + self.plotW(), Math.max(LABEL_W, X(t))); };
  var y = RULER;
  var all = el('g', {}, null, svg);
  this.vals = [];
  this.runs.forEach(function (r, ri) {
    var w = r.wave, top = y;
    var rows = el('g', { class: 'run', 'data-run': ri, 'data-title': r.title }, null, all);
    el('text', { x: 4, y: y + 16, class: 'runtitle' }, r.title, rows);
    y += TITLE;
    // exits: one row per vcpu that has any
    var cpus = [];
    w.exits.forEach(function (s) { if (cpus.indexOf(s.cpu) < 0) cpus.push(s.cpu); });
    cpus.sort();
    cpus.forEach(function (cpu) {
      var g = el('g', { class: 'exits', 'data-cpu': cpu }, null, rows);
      el('text', { x: 8, y: y + 14, class: 'label' }, 'vcpu' + cpu + ' exits (by reason)', g);
      var lastX = -1;
      w.exits.forEach(function (s) {
        if (s.cpu !== cpu || s.t1 < v0 || s.t0 > v1) return;
        var x0 = clampX(s.t0), x1 = Math.max(x0 + 2, clampX(s.t1));
        if (x1 <= lastX) return;
        lastX = x1;
        var rc = el('rect', { x: x0, y: y + 2, width: x1 - x0, height: ROW - 4, class: 'exit', fill: 'hsl(' + hue(s.reason) + ',65%,72%)', 'data-reason': s.reason, 'data-t0': s.t0, 'data-t1': s.t1 }, null, g);
        el('title', {}, 'exit: ' + s.reason + '  t=' + s.t0 + '..' + s.t1 + ' ticks', rc);
        if (x1 - x0 > s.reason.length * 6.5 + 4) el('text', { x: x0 + 3, y: y + 14, class: 'spantext' }, s.reason, g);
      });
      y += ROW + GAP;
    });
    // markers
    var mg = el('g', { class: 'markers' }, null, rows);
    el('text', { x: 8, y: y + 14, class: 'label' }, 'IAR / EOIR / DIR / inject', mg);
    var used = {}, textEnd = -1;
    w.markers.forEach(function (m) {
      if (m.t < v0 || m.t > v1) return;
      var x = Math.round(X(m.t)), key = m.kind + x;
      if (used[key]) return;
      used[key] = 1;
      var g = el('g', { class: 'marker m-' + m.kind, 'data-t': m.t, 'data-kind': m.kind }, null, mg);
      el('path', { d: 'M' + x + ' ' + (y + 3) + 'l-4 -0 l4 7 l4 -7z M' + x + ' ' + (y + 10) + 'V' + (y + ROW) }, null, g);
      el('title', {}, 't=' + m.t + ' cpu' + m.cpu + ': ' + m.label, g);
      var mt = m.label.replace(/^GIC[CV]_/, '');
      if (m.kind !== 'note' && m.kind !== 'inject' && x + 5 > textEnd) {
        el('text', { x: x + 5, y: y + 12, class: 'marktext' }, mt, g);
        textEnd = x + 5 + mt.length * 6.2;
      }
    });
    y += ROW + GAP;
    w.tracks.forEach(function (tr) {
      var g = el('g', { class: 'track k-' + tr.kind + (self.diff[tr.key] !== undefined ? ' differs' : ''), 'data-key': tr.key }, null, rows);
      var lab = el('text', { x: 8, y: y + 14, class: 'label' }, tr.label, g);
      el('title', {}, tr.key, lab);
      self.vals.push({ tr: tr, el: el('text', { x: LABEL_W - 8, y: y + 14, class: 'val' }, '', g) });
      var ch = tr.ch, i = Math.max(0, after(ch, v0) - 2), cur = i < ch.length && ch[i] <= v0 ? ch[i + 1] : 0;
      if (i < ch.length && ch[i] <= v0) i += 2;
      var edges = [], px = LABEL_W, lastRounded = -1, dense = [];
      var hi = y + 3, lo = y + ROW - 3, d = 'M' + LABEL_W + ' ' + (cur ? hi : lo);
      var bands = [];
      var bandStart = LABEL_W, bandVal = cur;
      for (; i < ch.length && ch[i] <= v1; i += 2) {
        var t = ch[i], val = ch[i + 1], xr = Math.round(X(t));
        if (xr === lastRounded) {
          // several changes in one pixel column: shade contiguous columns as one rect
          var dl = dense[dense.length - 1];
          if (dl && dl[1] >= xr - 1) dl[1] = xr; else dense.push([xr, xr]);
          cur = val;
          continue;
        }
        lastRounded = xr;
        edges.push(t + ':' + val);
        if (tr.kind === 'bit') d += 'H' + xr + 'V' + (val ? hi : lo);
        else { bands.push([bandStart, xr, bandVal]); bandStart = xr; bandVal = val; }
        cur = val;
        px = xr;
      }
      var end = LABEL_W + self.plotW();
      if (tr.kind === 'bit') el('path', { d: d + 'H' + end, class: 'level' }, null, g);
      else {
        bands.push([bandStart, end, bandVal]);
        bands.forEach(function (b) {
          var st = tr.kind === 'lr' ? b[2] & 3 : b[2];
          if (tr.kind === 'lr' && st === 0) { el('path', { d: 'M' + b[0] + ' ' + (y + ROW / 2) + 'H' + b[1], class: 'idle' }, null, g); return; }
          var cls = tr.kind === 'lr' ? 'lr-' + LR[st].replace('+', '') : 'vc-' + VCPU[st];
          var rc = el('rect', { x: b[0], y: y + 2, width: Math.max(1, b[1] - b[0]), height: ROW - 4, class: 'band ' + cls }, null, g);
          var txt = tr.kind === 'lr' ? LR_SHORT[st] + ' ' + (b[2] >> 2) : VCPU[st];
          el('title', {}, tr.kind === 'lr' ? 'State=' + LR[st] + ' vINTID ' + (b[2] >> 2) : VCPU[st], rc);
          if (b[1] - b[0] > txt.length * 6.5 + 4) el('text', { x: b[0] + 3, y: y + 14, class: 'bandtext' }, txt, g);
        });
      }
      (tr.gl || []).forEach(function (t) {
        if (t < v0 || t > v1) return;
        var gx = X(t);
        var gp = el('path', { d: 'M' + gx + ' ' + (hi - 2) + 'V' + (lo + 2), class: 'glitch', 'data-t': t }, null, g);
        el('title', {}, 'pulse within one tick at t=' + t, gp);
      });
      dense.forEach(function (d) { el('rect', { x: d[0] - 0.5, y: hi, width: d[1] - d[0] + 1, height: lo - hi, class: 'dense' }, null, g); });
      g.setAttribute('data-edges', edges.join(' '));
      if (self.diff[tr.key] !== undefined && self.diff[tr.key] >= v0 && self.diff[tr.key] <= v1) {
        var dx = X(self.diff[tr.key]);
        var dm = el('path', { d: 'M' + dx + ' ' + y + 'v' + ROW, class: 'diffmark' }, null, g);
        el('title', {}, 'runs first differ here: t=' + self.diff[tr.key], dm);
      }
      y += ROW + GAP;
    });
    if (r.divergence && r.divergence.t >= v0 && r.divergence.t <= v1) {
      var dvx = X(r.divergence.t);
      var dg = el('g', { class: 'divergence', 'data-t': r.divergence.t }, null, rows);
      el('path', { d: 'M' + dvx + ' ' + (top + TITLE - 4) + 'V' + y }, null, dg);
      // right of the run's title when the instant is near the start
      var tx = Math.max(dvx + 4, 4 + r.title.length * 7.6 + 16);
      el('text', { x: tx, y: top + 16, class: 'divtext' }, (tx > dvx + 4 ? '\u2190 ' : '') + 'divergence: reference had INTID ' + r.divergence.intid + ' not pending', dg);
    }
    y += 8;
  });
  // ruler
  var step = niceStep((v1 - v0) / Math.max(2, this.plotW() / 110));
  var rg = el('g', { class: 'ruler' }, null, svg);
  for (var t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
    var x = X(t);
    el('path', { d: 'M' + x + ' ' + (RULER - 6) + 'V' + y, class: 'grid' }, null, rg);
    el('text', { x: x + 2, y: 14, class: 'ticktext' }, Math.round(t) + ' ticks', rg);
    el('text', { x: x + 2, y: 28, class: 'sectext' }, secs(t), rg);
  }
  el('rect', { x: 0, y: 0, width: LABEL_W - 4, height: RULER - 4, class: 'rulerbg' }, null, rg);
  el('text', { x: 8, y: 14, class: 'label' }, 'time: counter ticks', rg);
  el('text', { x: 8, y: 28, class: 'label' }, 'seconds at ' + +(data.counterHz / 1e6).toPrecision(6) + ' MHz', rg);
  this.cur = el('line', { x1: 0, x2: 0, y1: RULER - 6, y2: y, class: 'cursor', visibility: 'hidden' }, null, svg);
  svg.setAttribute('width', W);
  svg.setAttribute('height', y + 4);
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + (y + 4));
};
var waves = {};
document.querySelectorAll('.wave').forEach(function (b) { waves[b.id] = new Wave(b); });
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[data-goto]');
  if (!a) return;
  var w = waves[a.getAttribute('data-wave')];
  if (!w) return;
  e.preventDefault();
  w.goTo(+a.getAttribute('data-goto'));
});
var resize = null;
window.addEventListener('resize', function () {
  clearTimeout(resize);
  resize = setTimeout(function () { for (var k in waves) waves[k].draw(); }, 100);
});
var filt = document.getElementById('filters');
if (filt) {
  var apply = function () {
    var pol = filt.querySelector('[name=policy]').value, res = filt.querySelector('[name=result]').value;
    var q = filt.querySelector('[name=q]').value.toLowerCase();
    document.querySelectorAll('tr[data-policy]').forEach(function (tr) {
      var ok = (!pol || tr.getAttribute('data-policy') === pol) && (!res || tr.getAttribute('data-result') === res || (res === 'unexpected' && tr.getAttribute('data-unexpected') === '1')) && (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
      tr.hidden = !ok;
    });
  };
  filt.addEventListener('input', apply);
}
window.vgicsimWaves = waves;
})();`;
