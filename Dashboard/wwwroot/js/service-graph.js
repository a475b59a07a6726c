// The services of one trace as a graph: a node per service, an arrow per kind of hop, labelled with the
// carrier that moved the context and how many times. Services are laid out left to right by how many
// hops from the trace's first service they are.
import { element } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';

export function serviceGraph(trace, colors) {
  const services = [...colors.keys()];
  const edges = new Map();
  for (const hop of trace.hops) {
    const key = `${hop.fromService}\u0000${hop.toService}\u0000${hop.carrierLabel}`;
    edges.set(key, { from: hop.fromService, to: hop.toService, label: hop.carrierLabel, count: (edges.get(key)?.count ?? 0) + 1 });
  }

  // Layers by breadth-first distance from the first service.
  const layer = new Map([[services[0], 0]]);
  const queue = [services[0]];
  while (queue.length) {
    const from = queue.shift();
    for (const edge of edges.values()) {
      if (edge.from === from && !layer.has(edge.to)) { layer.set(edge.to, layer.get(from) + 1); queue.push(edge.to); }
    }
  }
  for (const service of services) if (!layer.has(service)) layer.set(service, 0);
  const columns = new Map();
  const position = new Map();
  for (const service of services) {
    const column = layer.get(service);
    const row = columns.get(column) ?? 0;
    columns.set(column, row + 1);
    position.set(service, { x: 90 + column * 280, y: 40 + row * 80 });
  }
  const width = 180 + Math.max(...[...layer.values()]) * 280;
  const height = 10 + Math.max(...columns.values()) * 80;

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Service graph of this trace');
  svg.setAttribute('class', 'service-graph');
  const node = (tag, attributes, text) => {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  node('defs', {}).innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker>';

  let index = 0;
  for (const edge of edges.values()) {
    const a = position.get(edge.from), b = position.get(edge.to);
    const bend = (index++ % 2 ? 1 : -1) * (a.y === b.y ? 18 : 0);
    const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2 + bend;
    const dx = b.x - a.x, dy = b.y - a.y, length = Math.hypot(dx, dy) || 1;
    const start = { x: a.x + 62 * dx / length, y: a.y + 18 * dy / length };
    const end = { x: b.x - 62 * dx / length, y: b.y - 18 * dy / length };
    node('path', { d: `M${start.x},${start.y} Q${mx},${my} ${end.x},${end.y}`, fill: 'none', stroke: 'currentColor', 'marker-end': 'url(#arrow)', class: 'edge' });
    // The label sits on the far half of its arrow, above a level arrow and beside a sloping one, so the
    // arrows that fan out of one service keep their labels apart.
    const lx = start.x + (end.x - start.x) * 0.62, ly = start.y + (end.y - start.y) * 0.62 + bend / 2;
    node('text', { x: lx, y: dy === 0 ? ly - 8 : ly - 4, 'text-anchor': dy === 0 ? 'middle' : 'start', class: 'edge-label', 'data-edge': `${edge.from}->${edge.to}` }, `${edge.label} ×${edge.count}`);
  }
  for (const [service, { x, y }] of position) {
    node('rect', { x: x - 62, y: y - 16, width: 124, height: 32, rx: 6, fill: colors.get(service) });
    node('text', { x, y: y + 5, 'text-anchor': 'middle', fill: '#fff', class: 'node-label', 'data-service': service }, service);
  }
  return element('figure', { class: 'graph' }, svg, element('figcaption', { class: 'muted' }, 'Services of this trace; each arrow is where context crossed, and what carried it.'));
}

// Jaeger's critical path: from the root, the last child to finish before the cursor is on the path; recurse
// into it, move the cursor to its start, and repeat with the children that finished before that.
export function criticalPath(spans) {
  const children = new Map();
  for (const span of spans) {
    if (span.parentSpanId) (children.get(span.parentSpanId) ?? children.set(span.parentSpanId, []).get(span.parentSpanId)).push(span);
  }
  const onPath = new Set();
  const end = span => span.offsetMs + span.durationMs;
  const visit = (span, limit) => {
    onPath.add(span.spanId);
    let cursor = Math.min(end(span), limit);
    const sorted = (children.get(span.spanId) ?? []).slice().sort((a, b) => end(b) - end(a));
    for (const child of sorted) {
      if (child.offsetMs >= cursor) continue;
      visit(child, cursor);
      cursor = child.offsetMs;
    }
  };
  const root = spans.find(s => s.depth === 0);
  if (root) visit(root, Infinity);
  return onPath;
}
