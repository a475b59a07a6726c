// One trace: a header, a virtualized waterfall that marks every cross-service hop with the carrier that
// moved the context, a details pane, search within the trace, and a deep link to a span (?spanId=).
import { getJson, formatDuration, formatTime, PALETTE, element } from './api.js';
import { VirtualList } from './virtual-list.js';
import { serviceGraph, criticalPath } from './service-graph.js';

const KIND_ICONS = { server: '⇥', client: '↦', producer: '⇪', consumer: '⇩', internal: '•', unspecified: '·' };

export function renderTrace(page, traceId) {
  page.replaceChildren(element('p', { class: 'muted' }, 'Loading trace…'));
  let disposed = false;
  (async () => {
    let trace;
    try {
      trace = await getJson(`/api/traces/${traceId}`);
    } catch (error) {
      page.replaceChildren(element('h1', {}, 'Trace'), element('p', { class: 'error-text', role: 'alert' }, error.message));
      return;
    }
    if (!disposed) new TraceView(page, trace);
  })();
  return () => { disposed = true; };
}

class TraceView {
  constructor(page, trace) {
    this.trace = trace;
    this.spans = trace.spans;
    this.byId = new Map(this.spans.map((s, i) => [s.spanId, i]));
    this.hopsByChild = new Map(trace.hops.map(h => [h.childSpanId, h]));
    this.collapsed = new Set();
    // Within a trace every service gets its own colour, in order of appearance.
    this.colors = new Map();
    for (const span of this.spans) if (!this.colors.has(span.service)) this.colors.set(span.service, PALETTE[this.colors.size % PALETTE.length]);
    this.duration = Math.max(trace.summary.durationMs, 0.001);
    this.critical = criticalPath(this.spans);
    this.showCritical = false;
    this.searchText = '';
    this.matches = [];
    this.build(page);
    this.recompute();
    const spanId = new URLSearchParams(location.search).get('spanId');
    this.select(spanId && this.byId.has(spanId) ? this.byId.get(spanId) : 0);
  }

  build(page) {
    const s = this.trace.summary;
    const stat = (label, value) => element('div', {}, element('b', {}, label), value);
    this.searchInput = element('input', { type: 'search', placeholder: 'Search names and attributes', 'aria-label': 'Search in trace',
      oninput: () => this.search(this.searchInput.value), onkeydown: event => { if (event.key === 'Enter') this.nextMatch(event.shiftKey ? -1 : 1); } });
    this.matchStatus = element('span', { class: 'muted', role: 'status' });
    this.rowsElement = element('div', { class: 'waterfall', style: 'height: calc(100vh - 17rem)' });
    this.details = element('aside', { class: 'details', 'aria-label': 'Span details' });
    page.replaceChildren(
      element('h1', {}, s.name),
      element('div', { class: 'trace-header' },
        stat('Trace id', s.traceId), stat('Start', formatTime(s.startUnixMs)), stat('Duration', formatDuration(s.durationMs)),
        stat('Services', s.services.map(x => `${x.name} (${x.spanCount})`).join(', ')), stat('Depth', String(this.trace.depth)),
        stat('Spans', String(s.spanCount)), stat('Errors', s.hasError ? element('span', { class: 'error-text' }, 'yes') : 'none'),
        stat('Hops', String(this.trace.hops.length)),
        stat('Download', element('span', {},
          element('a', { href: `/api/traces/${s.traceId}/download?format=otlp`, download: true }, 'OTLP JSON'), ' · ',
          element('a', { href: `/api/traces/${s.traceId}/download?format=jaeger`, download: true }, 'Jaeger JSON')))),
      element('div', { class: 'filters' }, this.searchInput,
        element('button', { type: 'button', onclick: () => this.nextMatch(-1) }, 'Previous'),
        element('button', { type: 'button', onclick: () => this.nextMatch(1) }, 'Next'), this.matchStatus,
        element('button', { type: 'button', onclick: () => this.collapseAll() }, 'Collapse all'),
        element('button', { type: 'button', onclick: () => { this.collapsed.clear(); this.recompute(); } }, 'Expand all'),
        element('label', {}, element('input', { type: 'checkbox', onchange: event => { this.showCritical = event.target.checked; this.list.refresh(); } }), ' Critical path')),
      serviceGraph(this.trace, this.colors),
      element('div', { class: 'trace-layout' },
        element('div', {}, this.axis(), this.rowsElement),
        this.details));
    this.list = new VirtualList(this.rowsElement, { render: index => this.row(this.visible[index]) });
    this.rowsElement.addEventListener('keydown', event => this.onKey(event));
  }

  axis() {
    return element('div', { class: 'axis', 'aria-hidden': 'true' },
      [0, 0.25, 0.5, 0.75, 1].map(f => element('span', { style: f === 1 ? 'right:0;transform:none' : f === 0 ? 'left:0;transform:none' : `left:${f * 100}%` }, formatDuration(this.duration * f))));
  }

  // The rows to show: every span, less the descendants of collapsed ones (spans come in depth-first order).
  recompute() {
    this.visible = [];
    let skipBelow = -1;
    this.spans.forEach((span, index) => {
      if (skipBelow >= 0 && span.depth > skipBelow) return;
      skipBelow = this.collapsed.has(span.spanId) ? span.depth : -1;
      this.visible.push(index);
    });
    this.list.setCount(this.visible.length);
  }

  collapseAll() {
    for (const span of this.spans) if (span.childCount > 0 && span.depth > 0) this.collapsed.add(span.spanId);
    this.recompute();
  }

  row(index) {
    const span = this.spans[index];
    const hop = this.hopsByChild.get(span.spanId);
    const color = this.colors.get(span.service);
    const left = 100 * span.offsetMs / this.duration;
    const width = Math.max(0.2, 100 * span.durationMs / this.duration);
    const name = this.highlight(span.name);
    const critical = this.showCritical && this.critical.has(span.spanId);
    return element('div', { class: `span-row${index === this.selected ? ' selected' : ''}${critical ? ' critical' : ''}`, tabindex: index === this.selected ? '0' : '-1',
      'data-span-id': span.spanId, 'data-service': span.service, onclick: () => this.select(index) },
      element('div', { class: 'label', style: `padding-left:${0.5 + span.depth * 1.1}rem` },
        span.childCount > 0
          ? element('button', { type: 'button', class: 'toggle', 'aria-label': this.collapsed.has(span.spanId) ? 'Expand' : 'Collapse',
              onclick: event => { event.stopPropagation(); this.toggle(span.spanId); } }, this.collapsed.has(span.spanId) ? '▸' : '▾')
          : element('span', { class: 'toggle' }),
        element('span', { class: 'kind', title: span.kind }, KIND_ICONS[span.kind] ?? '·'),
        element('span', { class: 'chip', style: `background:${color}` }, span.service),
        hop ? element('span', { class: 'hop', title: `Context crossed from ${hop.fromService} in ${hop.carrierLabel}` }, `⇠ ${hop.carrierLabel}`) : null,
        element('span', { class: span.status === 'error' ? 'error-text' : '' }, name),
        span.parentNotReceived ? element('span', { class: 'orphan', title: 'The parent span never arrived' }, 'parent missing') : null),
      element('div', { class: 'timeline' },
        element('div', { class: `bar${span.status === 'error' ? ' error' : ''}`, style: `left:${left}%;width:${width}%;background:${color}`,
          title: `${formatDuration(span.durationMs)}${span.statusMessage ? ' — ' + span.statusMessage : ''}` })));
  }

  highlight(text) {
    if (!this.searchText) return text;
    const at = text.toLowerCase().indexOf(this.searchText);
    return at < 0 ? text : element('span', {}, text.slice(0, at), element('mark', {}, text.slice(at, at + this.searchText.length)), text.slice(at + this.searchText.length));
  }

  toggle(spanId) {
    if (this.collapsed.has(spanId)) this.collapsed.delete(spanId); else this.collapsed.add(spanId);
    this.recompute();
  }

  select(index) {
    this.selected = index;
    // A span hidden under a collapsed ancestor is shown by expanding its ancestors.
    let parent = this.spans[index]?.parentSpanId;
    while (parent && this.byId.has(parent)) {
      this.collapsed.delete(parent);
      parent = this.spans[this.byId.get(parent)].parentSpanId;
    }
    this.recompute();
    const position = this.visible.indexOf(index);
    this.list.scrollToIndex(position);
    this.list.refresh();
    this.rowsElement.querySelector(`[data-span-id="${this.spans[index].spanId}"]`)?.focus({ preventScroll: true });
    const url = new URL(location.href);
    url.searchParams.set('spanId', this.spans[index].spanId);
    history.replaceState(null, '', url);
    this.showDetails(this.spans[index]);
  }

  onKey(event) {
    const position = this.visible.indexOf(this.selected);
    const span = this.spans[this.selected];
    if (event.key === 'ArrowDown' && position < this.visible.length - 1) this.select(this.visible[position + 1]);
    else if (event.key === 'ArrowUp' && position > 0) this.select(this.visible[position - 1]);
    else if (event.key === 'ArrowLeft' && span.childCount > 0 && !this.collapsed.has(span.spanId)) this.toggle(span.spanId);
    else if (event.key === 'ArrowRight' && this.collapsed.has(span.spanId)) this.toggle(span.spanId);
    else return;
    event.preventDefault();
  }

  search(text) {
    this.searchText = text.trim().toLowerCase();
    this.matches = !this.searchText ? [] : this.spans.map((s, i) => [s, i])
      .filter(([s]) => s.name.toLowerCase().includes(this.searchText) || s.attributes.some(a => JSON.stringify(a.value).toLowerCase().includes(this.searchText)))
      .map(([, i]) => i);
    this.matchIndex = -1;
    this.matchStatus.textContent = this.searchText ? `${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}` : '';
    this.list.refresh();
    if (this.matches.length) this.nextMatch(1);
  }

  nextMatch(step) {
    if (!this.matches.length) return;
    this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
    this.matchStatus.textContent = `${this.matchIndex + 1} of ${this.matches.length}`;
    this.select(this.matches[this.matchIndex]);
  }

  showDetails(span) {
    const table = rows => element('table', {}, element('tbody', {}, rows.map(([k, v]) => element('tr', {}, element('td', {}, k), element('td', {}, v)))));
    const value = v => typeof v === 'string' ? v : JSON.stringify(v);
    const spanLink = (id, label) => this.byId.has(id)
      ? element('a', { href: '#', onclick: event => { event.preventDefault(); this.select(this.byId.get(id)); } }, label ?? id)
      : label ?? id;
    const hop = this.hopsByChild.get(span.spanId);
    this.details.replaceChildren(...[
      element('h3', {}, span.name),
      table([['Service', span.service], ['Kind', span.kind], ['Status', span.status + (span.statusMessage ? ` — ${span.statusMessage}` : '')],
        ['Start', `+${formatDuration(span.offsetMs)}`], ['Duration', formatDuration(span.durationMs)], ['Span id', span.spanId],
        ['Parent', span.parentSpanId ? spanLink(span.parentSpanId) : '(root)'], ['Scope', span.scope.name + (span.scope.version ? ` ${span.scope.version}` : '')],
        ['Resource', span.resourceId]]),
      hop ? element('div', { class: 'carrier' },
        element('h4', {}, `Context crossed in ${hop.carrierLabel}`),
        element('p', { class: 'muted' }, `${hop.fromService} wrote it, ${hop.toService} read it and made this span a child of ${hop.parentSpanId}.`),
        table([['traceparent', hop.context.traceparent], ['trace id', hop.context.traceId], ['parent span id', spanLink(hop.context.parentSpanId)],
          ['flags', hop.context.traceFlags], ['tracestate', hop.context.traceState ?? '(none)']])) : null,
      span.parentNotReceived ? element('p', { class: 'error-text' },
        'Its parent span never arrived: usually the caller propagated context but did not export its span (not instrumented, sampled differently, or still in flight).') : null,
      element('h4', {}, 'Attributes'), table(span.attributes.map(a => [a.key, value(a.value)])),
      span.events.length ? [element('h4', {}, 'Events'), table(span.events.map(e => [`+${formatDuration(e.offsetMs)}`, e.name + (e.attributes.length ? ' ' + e.attributes.map(a => `${a.key}=${value(a.value)}`).join(' ') : '')]))] : null,
      span.links.length ? [element('h4', {}, 'Links'), table(span.links.map(l => [l.inThisTrace ? 'this trace' : l.traceId, l.inThisTrace ? spanLink(l.spanId) : element('a', { href: `/traces/${l.traceId}?spanId=${l.spanId}` }, l.spanId)]))] : null,
      span.backlinks.length ? [element('h4', {}, 'Linked from'), table(span.backlinks.map(l => ['this trace', spanLink(l.spanId)]))] : null,
      element('h4', {}, 'Logs'), this.logsFor(span)].flat().filter(Boolean));
  }

  logsFor(span) {
    const container = element('div', { class: 'muted' }, 'Loading…');
    getJson(`/api/logs?traceId=${this.trace.summary.traceId}&spanId=${span.spanId}`).then(result => {
      container.replaceChildren(result.items.length === 0 ? 'none' : element('table', {}, element('tbody', {}, result.items.map(log =>
        element('tr', {}, element('td', { class: `level-${log.level}` }, log.level), element('td', {}, log.body))))));
    }).catch(error => container.replaceChildren(error.message));
    return container;
  }
}
