// The services of one trace as a graph: a node per service, an arrow per kind of hop, labelled with the
// carrier that moved the context and how many times. Services are laid out left to right by how many
// hops from the trace's first service they are.
import { element } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

// More boxes than this would not be readable, and drawing stays quick however many services a trace has.
export const MAX_GRAPH_SERVICES = 30;

export function serviceGraph(trace, colors) {
  const all = [...colors.keys()];
  const shown = new Set(all.slice(0, MAX_GRAPH_SERVICES));
  const hidden = all.length - shown.size;
  // Services past the cap share one box, so every hop still has somewhere to go.
  const rest = `${hidden} more service${hidden === 1 ? '' : 's'}`;
  const boxOf = service => shown.has(service) ? service : rest;
  const fill = service => colors.get(service) ?? '#6b7280';
  const services = hidden ? [...shown, rest] : [...shown];
  const edges = new Map();
  const next = new Map(services.map(s => [s, new Set()]));
  for (const hop of trace.hops) {
    const from = boxOf(hop.fromService), to = boxOf(hop.toService);
    const key = `${from}\u0000${to}\u0000${hop.carrierLabel}`;
    edges.set(key, { from, to, label: hop.carrierLabel, count: (edges.get(key)?.count ?? 0) + 1 });
    next.get(from)?.add(to);
  }

  // Layers by breadth-first distance from the first service.
  const layer = new Map([[services[0], 0]]);
  const queue = [services[0]];
  while (queue.length) {
    const from = queue.shift();
    for (const to of next.get(from) ?? []) {
      if (!layer.has(to)) { layer.set(to, layer.get(from) + 1); queue.push(to); }
    }
  }
  for (const service of services) if (!layer.has(service)) layer.set(service, 0);
  // Boxes fit their names; each column is as wide as its widest box, with room between for labels.
  const boxWidth = service => Math.max(110, Math.ceil(service.length * 8.4) + 28);
  const columnCount = Math.max(...[...layer.values()]) + 1;
  const columnWidth = Array.from({ length: columnCount }, (_, c) => Math.max(110, ...services.filter(s => layer.get(s) === c).map(boxWidth)));
  const columnX = [];
  for (let c = 0, x = 10; c < columnCount; x += columnWidth[c] + 190, c++) columnX.push(x + columnWidth[c] / 2);
  const rows = new Map();
  const position = new Map();
  for (const service of services) {
    const column = layer.get(service);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    position.set(service, { x: columnX[column], y: 40 + row * 80, half: boxWidth(service) / 2 });
  }
  // The last column keeps room on its right for the labels of arrows between boxes stacked in it.
  const width = columnX[columnCount - 1] + columnWidth[columnCount - 1] / 2 + 170;
  const height = 10 + Math.max(...rows.values()) * 80;

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
    const start = { x: a.x + a.half * dx / length, y: a.y + 18 * dy / length };
    const end = { x: b.x - b.half * dx / length, y: b.y - 18 * dy / length };
    node('path', { d: `M${start.x},${start.y} Q${mx},${my} ${end.x},${end.y}`, fill: 'none', stroke: 'currentColor', 'marker-end': 'url(#arrow)', class: 'edge' });
    // The label sits on the far half of its arrow, above a level arrow and beside a sloping one, so the
    // arrows that fan out of one service keep their labels apart.
    const lx = start.x + (end.x - start.x) * 0.62, ly = start.y + (end.y - start.y) * 0.62 + bend / 2;
    // An arrow between boxes of one column gets its label beside it, not across it.
    node('text', { x: dx === 0 ? lx + 8 : lx, y: dy === 0 ? ly - 8 : ly - 4, 'text-anchor': dy === 0 ? 'middle' : 'start', class: 'edge-label', 'data-edge': `${edge.from}->${edge.to}` }, `${edge.label} ×${edge.count}`);
  }
  for (const [service, { x, y }] of position) {
    node('rect', { x: x - boxWidth(service) / 2, y: y - 16, width: boxWidth(service), height: 32, rx: 6, fill: fill(service) });
    node('text', { x, y: y + 5, 'text-anchor': 'middle', fill: '#fff', class: 'node-label', 'data-service': service }, service);
  }
  const caption = 'Services of this trace; each arrow is where context crossed, and what carried it.' +
    (hidden ? ` The first ${shown.size} of ${all.length} services have a box each; the other ${hidden} share one.` : '');
  return element('figure', { class: 'graph' }, svg, element('figcaption', { class: 'muted' }, caption));
}

// Jaeger's critical path: from the root, the last child to finish before the cursor is on the path; recurse
// into it, move the cursor to its start, and repeat with the children that finished before that.
// Takes the waterfall's columns (parent index, offset, duration) and returns the indexes on the path.
// Iterative with an explicit stack, so a deep trace cannot overflow the call stack.
export function criticalPath(columns) {
  const { parent, offsetMs, durationMs } = columns;
  const count = parent.length;
  const children = new Map();
  for (let i = 0; i < count; i++) {
    if (parent[i] >= 0) (children.get(parent[i]) ?? children.set(parent[i], []).get(parent[i])).push(i);
  }
  const end = i => offsetMs[i] + durationMs[i];
  const onPath = new Set();
  // Each frame: a span on the path, its children latest-finishing first, and the cursor moving back in time.
  const root = parent.indexOf(-1);
  if (root < 0) return onPath;
  const frame = (span, limit) => {
    onPath.add(span);
    return { kids: (children.get(span) ?? []).slice().sort((a, b) => end(b) - end(a)), next: 0, cursor: Math.min(end(span), limit) };
  };
  const stack = [frame(root, Infinity)];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next >= top.kids.length) { stack.pop(); continue; }
    const child = top.kids[top.next++];
    if (offsetMs[child] >= top.cursor) continue;
    const limit = top.cursor;
    top.cursor = offsetMs[child];
    stack.push(frame(child, limit));
  }
  return onPath;
}
