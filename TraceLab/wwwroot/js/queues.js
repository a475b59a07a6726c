// Queues: each RabbitMQ queue's depth and the outbox's backlog, live, from the gauges the AppHost exports
// once a second (rabbitmq.queue.messages, outbox.messages.*), each with its last minute as a sparkline.
import { getJson } from './api.js';
import { element } from './dom.js';
import { formatDuration, formatTime } from './format.js';

const REFRESH_MS = 1000;
// A figure older than this is from a server (or an AppHost) that stopped answering: shown, but marked.
const STALE_MS = 10_000;
const SVG = 'http://www.w3.org/2000/svg';
const QUEUE_METRIC = 'rabbitmq.queue.messages';
const PENDING_METRIC = 'outbox.messages.pending';
const OLDEST_METRIC = 'outbox.messages.oldest_pending_age';

export function renderQueues(page) {
  const queues = element('tbody');
  const outbox = element('tbody');
  const status = element('p', { class: 'muted', role: 'status' });
  page.replaceChildren(
    element('h1', {}, 'Queues'),
    element('p', { class: 'muted' }, 'Messages waiting, live: watch them pile up while a consumer or the broker is down, and drain when it is back. ' +
      'The AppHost reads these every second while the server runs (the same figures are properties of messaging and ordersdb in Aspire\'s dashboard).'),
    table('RabbitMQ queues: messages ready', ['Queue', 'Service', 'Messages', 'Last minute', 'As of'], queues),
    table('Outbox: orders stored, message not yet published', ['Service', 'Pending', 'Oldest waiting', 'Last minute', 'As of'], outbox),
    status);

  let timer = null;
  let stopped = false;
  async function refresh() {
    try {
      render(await getJson('/api/queues'), queues, outbox);
      status.textContent = '';
      status.classList.remove('error-text');
    } catch (error) {
      status.textContent = `Could not refresh: ${error.message}`;
      status.classList.add('error-text');
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

function table(caption, headings, body) {
  return element('table', { class: 'figures' },
    element('caption', {}, caption),
    element('thead', {}, element('tr', {}, headings.map(h => element('th', { scope: 'col' }, h)))),
    body);
}

function render(data, queues, outbox) {
  const byQueue = data.series.filter(s => s.metric === QUEUE_METRIC && s.queue)
    .sort((a, b) => a.queue.localeCompare(b.queue, undefined, { numeric: true }) || a.service.localeCompare(b.service));
  queues.replaceChildren(...(byQueue.length ? byQueue.map(s => element('tr', { 'data-queue': s.queue, class: stale(data, s) ? 'stale' : null },
    element('th', { scope: 'row' }, s.queue),
    element('td', {}, s.service),
    element('td', { class: 'value' }, s.value.toLocaleString()),
    element('td', {}, sparkline(s, `${s.queue}, last minute`)),
    asOf(data, s))) : [empty(5, 'No queue depths yet: the AppHost sends them every second while RabbitMQ runs.')]));

  const pending = data.series.filter(s => s.metric === PENDING_METRIC);
  outbox.replaceChildren(...(pending.length ? pending.map(s => {
    const oldest = data.series.find(o => o.metric === OLDEST_METRIC && o.service === s.service);
    return element('tr', { 'data-outbox': s.service, class: stale(data, s) ? 'stale' : null },
      element('th', { scope: 'row' }, s.service),
      element('td', { class: 'value' }, s.value.toLocaleString()),
      element('td', { class: 'oldest' }, oldest && s.value > 0 ? formatDuration(oldest.value) : '–'),
      element('td', {}, sparkline(s, `outbox of ${s.service}, last minute`)),
      asOf(data, s));
  }) : [empty(5, 'No outbox figures yet: they come once the outbox table exists and PostgreSQL runs.')]));
}

const stale = (data, series) => data.nowUnixMs - series.timeUnixMs > STALE_MS;

function asOf(data, series) {
  return element('td', { class: 'muted' }, formatTime(series.timeUnixMs), stale(data, series) ? ' (no newer figure)' : '');
}

function empty(columns, text) {
  return element('tr', {}, element('td', { colspan: columns, class: 'muted' }, text));
}

// The last minute as a line, scaled to its own highest value; its label says the same in words.
function sparkline(series, name) {
  const width = 120, height = 24;
  const points = series.history;
  const max = Math.max(1, ...points.map(p => p[1]));
  const min = Math.min(...points.map(p => p[1]));
  const start = points[0][0], span = Math.max(1, points[points.length - 1][0] - start);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${name}: between ${min} and ${Math.max(...points.map(p => p[1]))}, now ${series.value}`);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.map(([time, value]) =>
    `${((time - start) / span * (width - 2) + 1).toFixed(1)},${(height - 1 - value / max * (height - 2)).toFixed(1)}`).join(' '));
  svg.append(line);
  return svg;
}
