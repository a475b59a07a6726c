// One trace: a header, a virtualized waterfall that marks every cross-service hop with the carrier that
// moved the context, a details pane, search within the trace, and a deep link to a span (?spanId=).
// The page loads the waterfall in columns (/waterfall) and each span's attributes only when it is opened,
// so a 100,000-span trace costs a few megabytes, not a hundred.
import { getJson } from './api.js';
import { element } from './dom.js';
import { formatDuration, formatTime } from './format.js';
import { serviceColors } from './colors.js';
import { VirtualList } from './virtual-list.js';
import { serviceGraph, criticalPath } from './service-graph.js';

const KIND_ICONS = { server: '⇥', client: '↦', producer: '⇪', consumer: '⇩', internal: '•', unspecified: '·' };
// Deeper levels stop indenting, so names stay readable; the depth is in the row's tooltip.
const MAX_INDENT = 30;
// The split between span names and bars: dragged or moved with the arrow keys, kept for the browser session.
const NAMES_WIDTH_KEY = 'traceLab.namesWidth';
const MIN_NAMES = 120;  // px
const MIN_BARS = 240;   // px: room for the time axis's labels
const KEY_STEP = 24;    // px per arrow key; Shift moves four times as far

export function renderTrace(page, traceId) {
  page.replaceChildren(element('p', { class: 'muted' }, 'Loading trace…'));
  let view = null;
  let disposed = false;
  (async () => {
    let waterfall;
    try {
      waterfall = await getJson(`/api/traces/${traceId}/waterfall`);
    } catch (error) {
      if (!disposed) page.replaceChildren(element('h1', {}, 'Trace'), element('p', { class: 'error-text', role: 'alert' }, error.message));
      return;
    }
    if (!disposed) view = new TraceView(page, waterfall);
  })();
  return () => { disposed = true; view?.dispose(); };
}

class TraceView {
  constructor(page, waterfall) {
    this.trace = waterfall;
    this.traceId = waterfall.summary.traceId;
    this.columns = waterfall.spans;
    this.count = this.columns.spanId.length;
    this.byId = new Map();
    this.columns.spanId.forEach((id, index) => this.byId.set(id, index));
    this.orphans = new Set(this.columns.parentNotReceived);
    this.hopsByChild = new Map(waterfall.hops.map(h => [h.childSpanId, h]));
    this.logsBySpan = new Map();
    waterfall.logs.span.forEach((span, i) =>
      (this.logsBySpan.get(span) ?? this.logsBySpan.set(span, []).get(span)).push({ offsetMs: waterfall.logs.offsetMs[i], level: waterfall.logs.level[i] }));
    this.collapsed = new Set();
    // Every service of the trace its own colour, as in the traces list (colors.js).
    this.colors = serviceColors(waterfall.services);
    this.duration = Math.max(waterfall.summary.durationMs, 0.001);
    this.critical = null;
    this.showCritical = false;
    this.searchText = '';
    this.matches = [];
    this.detailsRequest = 0;
    this.build(page);
    this.recompute();
    const spanId = new URLSearchParams(location.search).get('spanId');
    this.select(spanId && this.byId.has(spanId) ? this.byId.get(spanId) : 0);
  }

  dispose() {
    clearTimeout(this.searchTimer);
  }

  name(index) { return this.trace.names[this.columns.name[index]]; }
  service(index) { return this.trace.services[this.columns.service[index]]; }
  kind(index) { return this.trace.kinds[this.columns.kind[index]]; }
  isError(index) { return this.columns.status[index] === 2; }

  build(page) {
    const s = this.trace.summary;
    const stat = (label, value) => element('div', {}, element('b', {}, label), value);
    this.searchInput = element('input', { type: 'search', placeholder: 'Search names and attributes', 'aria-label': 'Search in trace',
      oninput: () => { clearTimeout(this.searchTimer); this.searchTimer = setTimeout(() => this.search(this.searchInput.value), 150); },
      onkeydown: event => { if (event.key === 'Enter') this.nextMatch(event.shiftKey ? -1 : 1); } });
    this.matchStatus = element('span', { class: 'muted', role: 'status' });
    this.rowsElement = element('div', { class: 'waterfall', style: 'height: calc(100vh - 17rem)', role: 'tree', 'aria-label': 'Spans of this trace' });
    this.details = element('aside', { class: 'details', 'aria-label': 'Span details' });
    page.replaceChildren(
      element('h1', {}, s.name),
      element('div', { class: 'trace-header' },
        stat('Trace id', s.traceId), stat('Start', formatTime(s.startUnixMs)), stat('Duration', formatDuration(s.durationMs)),
        stat('Services', s.services.map(x => `${x.name} (${x.spanCount})`).join(', ')), stat('Depth', String(this.trace.depth)),
        stat('Spans', String(s.spanCount)), stat('Errors', s.hasError ? element('span', { class: 'error-text' }, 'yes') : 'none'),
        stat('Hops', String(this.trace.hops.length)),
        stat('Export', element('span', {},
          element('a', { href: `/api/traces/${s.traceId}/download?format=otlp`, download: true }, 'OTLP JSON'), ' · ',
          element('a', { href: `/api/traces/${s.traceId}/download?format=jaeger`, download: true }, 'Jaeger JSON')))),
      element('div', { class: 'filters' }, this.searchInput,
        element('button', { type: 'button', onclick: () => this.nextMatch(-1) }, 'Previous'),
        element('button', { type: 'button', onclick: () => this.nextMatch(1) }, 'Next'), this.matchStatus,
        element('button', { type: 'button', onclick: () => this.collapseAll() }, 'Collapse all'),
        element('button', { type: 'button', onclick: () => { this.collapsed.clear(); this.recompute(); } }, 'Expand all'),
        element('label', {}, element('input', { type: 'checkbox', onchange: event => this.toggleCritical(event.target.checked) }), ' Critical path')),
      serviceGraph(this.trace, this.colors),
      element('div', { class: 'trace-layout' },
        this.pane = element('div', { class: 'waterfall-pane' }, this.axis(), this.rowsElement, this.splitter()),
        this.details));
    const remembered = Number(sessionStorage.getItem(NAMES_WIDTH_KEY));
    if (remembered > 0) this.setNamesWidth(remembered, { remember: false }); else this.describeSplit(this.namesWidth());
    this.list = new VirtualList(this.rowsElement, { render: position => this.row(this.visible[position]) });
    this.rowsElement.addEventListener('keydown', event => this.onKey(event));
  }

  // A separator on the line between names and bars (role="separator", focusable, so the keyboard can move it too).
  splitter() {
    const handle = element('div', { class: 'splitter', role: 'separator', tabindex: '0', 'aria-orientation': 'vertical',
      'aria-label': 'Width of the span names', 'aria-valuemin': '0', 'aria-valuemax': '100', title: 'Drag, or use the arrow keys, to widen the span names' });
    const dragTo = event => this.setNamesWidth(event.clientX - this.pane.getBoundingClientRect().left, { remember: false });
    handle.addEventListener('pointerdown', event => {
      if (event.button !== 0) return;
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      handle.addEventListener('pointermove', dragTo);
      handle.focus({ preventScroll: true });
    });
    const drop = event => {
      if (!handle.hasPointerCapture(event.pointerId)) return;
      handle.removeEventListener('pointermove', dragTo);
      handle.releasePointerCapture(event.pointerId);
      this.setNamesWidth(this.namesWidth());
    };
    handle.addEventListener('pointerup', drop);
    handle.addEventListener('pointercancel', drop);
    handle.addEventListener('keydown', event => {
      const step = event.shiftKey ? 4 * KEY_STEP : KEY_STEP;
      const moves = { ArrowLeft: -step, ArrowRight: step, Home: -Infinity, End: Infinity };
      if (!(event.key in moves)) return;
      event.preventDefault();
      this.setNamesWidth(this.namesWidth() + moves[event.key]);
    });
    this.splitterElement = handle;
    return handle;
  }

  // The handle sits on the split (translated by half its width), so its offset is the names column's width.
  namesWidth() { return this.splitterElement.offsetLeft; }

  setNamesWidth(px, { remember = true } = {}) {
    const available = this.pane.clientWidth;
    const width = Math.round(Math.max(MIN_NAMES, Math.min(px, available - MIN_BARS)));
    this.pane.style.setProperty('--names-width', `${width}px`);
    this.describeSplit(width);
    if (remember) sessionStorage.setItem(NAMES_WIDTH_KEY, String(width));
  }

  describeSplit(width) {
    this.splitterElement.setAttribute('aria-valuenow', String(Math.round(100 * width / Math.max(this.pane.clientWidth, 1))));
    this.splitterElement.setAttribute('aria-valuetext', `span names ${width} pixels wide`);
  }

  axis() {
    return element('div', { class: 'axis', 'aria-hidden': 'true' },
      [0, 0.25, 0.5, 0.75, 1].map(f => element('span', { style: f === 1 ? 'right:0;transform:none' : f === 0 ? 'left:0;transform:none' : `left:${f * 100}%` }, formatDuration(this.duration * f))));
  }

  // The rows to show: every span, less the descendants of collapsed ones (spans come in depth-first order).
  recompute() {
    const depth = this.columns.depth;
    const visible = new Int32Array(this.count);
    let shown = 0;
    let skipBelow = -1;
    for (let index = 0; index < this.count; index++) {
      if (skipBelow >= 0 && depth[index] > skipBelow) continue;
      skipBelow = this.collapsed.has(index) ? depth[index] : -1;
      visible[shown++] = index;
    }
    this.visible = visible.subarray(0, shown);
    this.list.setCount(shown);
  }

  collapseAll() {
    for (let index = 0; index < this.count; index++) {
      if (this.columns.childCount[index] > 0 && this.columns.depth[index] > 0) this.collapsed.add(index);
    }
    this.recompute();
  }

  toggleCritical(on) {
    this.showCritical = on;
    if (on && !this.critical) this.critical = criticalPath(this.columns);
    this.list.refresh();
  }

  row(index) {
    const c = this.columns;
    const spanId = c.spanId[index];
    const service = this.service(index);
    const hop = this.hopsByChild.get(spanId);
    const color = this.colors.get(service);
    const error = this.isError(index);
    const statusMessage = c.statusMessages[index];
    const left = 100 * c.offsetMs[index] / this.duration;
    const width = Math.max(0.2, 100 * c.durationMs[index] / this.duration);
    const critical = this.showCritical && this.critical.has(index);
    const collapsed = this.collapsed.has(index);
    const logs = this.logsBySpan.get(index) ?? [];
    return element('div', { class: `span-row${index === this.selected ? ' selected' : ''}${critical ? ' critical' : ''}${this.matchSet?.has(index) ? ' match' : ''}`,
      tabindex: index === this.selected ? '0' : '-1', role: 'treeitem', 'aria-level': c.depth[index] + 1, 'aria-selected': String(index === this.selected),
      'aria-expanded': c.childCount[index] > 0 ? String(!collapsed) : null,
      'data-span-id': spanId, 'data-service': service, onclick: () => this.select(index) },
      element('div', { class: 'label', style: `padding-left:${0.5 + Math.min(c.depth[index], MAX_INDENT) * 1.1}rem`, title: `depth ${c.depth[index]}` },
        c.childCount[index] > 0
          ? element('button', { type: 'button', class: 'toggle', tabindex: '-1', 'aria-label': collapsed ? 'Expand' : 'Collapse',
              onclick: event => { event.stopPropagation(); this.toggle(index); } }, collapsed ? '▸' : '▾')
          : element('span', { class: 'toggle' }),
        element('span', { class: 'kind', title: this.kind(index) }, KIND_ICONS[this.kind(index)] ?? '·'),
        element('span', { class: 'chip', style: `background:${color}` }, service),
        hop ? element('span', { class: 'hop', title: `Context crossed from ${hop.fromService} in ${hop.carrierLabel}` }, `⇠ ${hop.carrierLabel}`) : null,
        element('span', { class: `span-name${error ? ' error-text' : ''}`, title: this.name(index) }, this.highlight(this.name(index))),
        error && statusMessage ? element('span', { class: 'status-message error-text', title: statusMessage }, `— ${statusMessage}`) : null,
        this.orphans.has(index) ? element('span', { class: 'orphan', title: 'The parent span never arrived: context was propagated, the parent span was not exported' }, 'parent missing') : null),
      element('div', { class: 'timeline' },
        element('div', { class: `bar${error ? ' error' : ''}`, style: `left:${left}%;width:${width}%;background:${color}`,
          title: `${formatDuration(c.durationMs[index])}${statusMessage ? ' — ' + statusMessage : ''}` }),
        logs.map(log => element('span', { class: `log-marker level-${log.level}`, style: `left:${100 * log.offsetMs / this.duration}%`,
          title: `${log.level} log at +${formatDuration(log.offsetMs)}` }))));
  }

  highlight(text) {
    if (!this.searchText) return text;
    const at = text.toLowerCase().indexOf(this.searchText);
    return at < 0 ? text : element('span', {}, text.slice(0, at), element('mark', {}, text.slice(at, at + this.searchText.length)), text.slice(at + this.searchText.length));
  }

  toggle(index) {
    if (this.collapsed.has(index)) this.collapsed.delete(index); else this.collapsed.add(index);
    this.recompute();
    this.focusSelected();
  }

  select(index) {
    this.selected = index;
    // A span hidden under a collapsed ancestor is shown by expanding its ancestors.
    let expanded = false;
    for (let parent = this.columns.parent[index]; parent >= 0; parent = this.columns.parent[parent]) {
      expanded = this.collapsed.delete(parent) || expanded;
    }
    if (expanded) this.recompute();
    this.list.scrollToIndex(this.visible.indexOf(index));
    this.list.refresh();
    this.focusSelected();
    const url = new URL(location.href);
    url.searchParams.set('spanId', this.columns.spanId[index]);
    history.replaceState(null, '', url);
    this.showDetails(index);
  }

  focusSelected() {
    this.rowsElement.querySelector(`[data-span-id="${this.columns.spanId[this.selected]}"]`)?.focus({ preventScroll: true });
  }

  onKey(event) {
    const position = this.visible.indexOf(this.selected);
    const index = this.selected;
    const hasChildren = this.columns.childCount[index] > 0;
    if (event.key === 'ArrowDown' && position < this.visible.length - 1) this.select(this.visible[position + 1]);
    else if (event.key === 'ArrowUp' && position > 0) this.select(this.visible[position - 1]);
    else if (event.key === 'ArrowLeft' && hasChildren && !this.collapsed.has(index)) this.toggle(index);
    else if (event.key === 'ArrowLeft' && this.columns.parent[index] >= 0) this.select(this.columns.parent[index]);
    else if (event.key === 'ArrowRight' && this.collapsed.has(index)) this.toggle(index);
    else if (event.key === 'Home') this.select(this.visible[0]);
    else if (event.key === 'End') this.select(this.visible[this.visible.length - 1]);
    else return;
    event.preventDefault();
  }

  // Names are searched here; attribute values by the Trace Lab, which holds them.
  async search(text) {
    const wanted = text.trim();
    this.searchText = wanted.toLowerCase();
    if (!wanted) {
      this.matches = [];
      this.matchSet = null;
      this.matchStatus.textContent = '';
      this.list.refresh();
      return;
    }
    let result;
    try {
      result = await getJson(`/api/traces/${this.traceId}/search?text=${encodeURIComponent(wanted)}`);
    } catch (error) {
      this.matchStatus.textContent = error.message;
      return;
    }
    if (this.searchInput.value.trim() !== wanted) return; // a newer search is on its way
    this.matches = result.spanIds.map(id => this.byId.get(id)).filter(index => index !== undefined);
    this.matchSet = new Set(this.matches);
    this.matchIndex = -1;
    this.matchStatus.textContent = `${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}`;
    this.list.refresh();
    if (this.matches.length) this.nextMatch(1);
  }

  nextMatch(step) {
    if (!this.matches.length) return;
    this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
    this.matchStatus.textContent = `${this.matchIndex + 1} of ${this.matches.length}`;
    this.select(this.matches[this.matchIndex]);
  }

  // The pane shows what the waterfall knows at once, then the span's attributes, events, links and logs.
  async showDetails(index) {
    const request = ++this.detailsRequest;
    const spanId = this.columns.spanId[index];
    this.details.replaceChildren(element('h3', {}, this.name(index)), element('p', { class: 'muted' }, 'Loading…'));
    let span;
    let logs;
    try {
      [span, logs] = await Promise.all([
        getJson(`/api/traces/${this.traceId}/spans/${spanId}`),
        getJson(`/api/logs?traceId=${this.traceId}&spanId=${spanId}&limit=1000`)]);
    } catch (error) {
      if (request === this.detailsRequest) this.details.replaceChildren(element('h3', {}, this.name(index)), element('p', { class: 'error-text' }, error.message));
      return;
    }
    if (request !== this.detailsRequest) return; // another span was selected meanwhile
    this.details.replaceChildren(...spanDetails(span, logs.items, {
      spanLink: (id, label) => this.byId.has(id)
        ? element('a', { href: `/traces/${this.traceId}?spanId=${id}`, onclick: event => { event.preventDefault(); this.select(this.byId.get(id)); } }, label ?? id)
        : label ?? id,
    }));
  }
}

function spanDetails(span, logs, { spanLink }) {
  const table = rows => element('table', {}, element('tbody', {}, rows.map(([k, v]) => element('tr', {}, element('td', {}, k), element('td', {}, v)))));
  const none = () => element('p', { class: 'muted' }, 'none');
  const attributes = list => list.length ? table(list.map(a => [a.key, value(a.value)])) : none();
  const value = v => typeof v === 'string' ? v : JSON.stringify(v);
  const hop = span.hop;
  return [
    element('h3', {}, span.name),
    table([['Service', span.service], ['Kind', span.kind], ['Status', span.status + (span.statusMessage ? ` — ${span.statusMessage}` : '')],
      ['Start', `+${formatDuration(span.offsetMs)}`], ['Duration', formatDuration(span.durationMs)], ['Span id', span.spanId],
      ['Parent', span.parentSpanId ? spanLink(span.parentSpanId) : '(root)'], ['Scope', span.scope.name + (span.scope.version ? ` ${span.scope.version}` : '')]]),
    hop ? element('div', { class: 'carrier' },
      element('h4', {}, `Context crossed in ${hop.carrierLabel}`),
      element('p', { class: 'muted' }, `${hop.fromService} wrote it, ${hop.toService} read it and made this span a child of ${hop.parentSpanId}.`),
      table([['traceparent', hop.context.traceparent], ['trace id', hop.context.traceId], ['parent span id', spanLink(hop.context.parentSpanId)],
        ['flags', `${hop.context.traceFlags}${hop.context.traceFlags === '01' ? ' (sampled)' : ''}`], ['tracestate', hop.context.traceState ?? '(none)'],
        ['baggage', hop.context.baggage?.length ? hop.context.baggage.map(b => `${b.key}=${b.value}`).join(', ') : '(none recorded)']])) : null,
    span.parentNotReceived ? element('p', { class: 'error-text' },
      'Its parent span never arrived: usually the caller propagated context but did not export its span (not instrumented, sampled differently, or still in flight).') : null,
    element('h4', {}, 'Attributes'), attributes(span.attributes),
    element('h4', {}, 'Resource'), attributes(span.resourceAttributes ?? []),
    span.events.length ? [element('h4', {}, 'Events'), table(span.events.map(e => [`+${formatDuration(e.offsetMs)}`, e.name + (e.attributes.length ? ' ' + e.attributes.map(a => `${a.key}=${value(a.value)}`).join(' ') : '')]))] : null,
    span.links.length ? [element('h4', {}, 'Links'), table(span.links.map(l => [l.inThisTrace ? 'this trace' : l.traceId, l.inThisTrace ? spanLink(l.spanId) : element('a', { href: `/traces/${l.traceId}?spanId=${l.spanId}` }, l.spanId)]))] : null,
    span.backlinks.length ? [element('h4', {}, 'Linked from'), table(span.backlinks.map(l => ['this trace', spanLink(l.spanId)]))] : null,
    element('h4', {}, 'Logs'),
    logs.length === 0 ? none() : element('table', { class: 'span-logs' }, element('tbody', {}, logs.map(log =>
      element('tr', {}, element('td', { class: `level-${log.level}` }, log.level),
        element('td', {}, element('a', { href: `/logs?traceId=${log.traceId}`, title: 'All logs of this trace' }, log.body)))))),
  ].flat().filter(Boolean);
}
