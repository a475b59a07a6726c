// The traces list: newest first, filters kept in the URL, live updates with a pause button.
// The page holds the summaries of up to 10,000 traces; filtering asks the Trace Lab only which trace ids
// match (it holds every span's attributes) and sorting happens here, so a filter never reloads the list.
import { getJson } from './api.js';
import { element } from './dom.js';
import { formatDuration, formatTime } from './format.js';
import { serviceColors } from './colors.js';
import { VirtualList } from './virtual-list.js';
import { navigate } from './router.js';

const FILTERS = ['service', 'text', 'minDuration', 'maxDuration', 'attribute'];
const SORT_KEYS = { time: t => t.startUnixMs, duration: t => t.durationMs, spans: t => t.spanCount };

export function renderTraces(page) {
  const params = new URLSearchParams(location.search);
  const inputs = Object.fromEntries(FILTERS.map(name => [name, element('input', { name, value: params.get(name) ?? '', size: name === 'text' ? 20 : 12 })]));
  inputs.minDuration.placeholder = inputs.maxDuration.placeholder = 'ms or 1.5ms';
  inputs.attribute.placeholder = 'key=value';
  const errorsOnly = element('input', { type: 'checkbox', name: 'errorsOnly', checked: params.get('errorsOnly') === 'true' });
  const pause = element('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause');
  const importFile = element('input', { type: 'file', accept: '.json,application/json', 'aria-label': 'Import a trace file', hidden: true });
  const importButton = element('button', { type: 'button', title: 'Open an OTLP JSON or Jaeger JSON file exported from a trace', onclick: () => importFile.click() }, 'Import…');
  const status = element('span', { class: 'muted', role: 'status' });
  const importStatus = element('p', { class: 'error-text', role: 'alert', hidden: true });
  const form = element('form', { class: 'filters', onsubmit: event => { event.preventDefault(); applyFilters(); } },
    ...FILTERS.map(name => element('label', {}, name, inputs[name])),
    element('label', {}, 'errors only', errorsOnly),
    element('button', { type: 'submit' }, 'Filter'), pause, importButton, importFile, status);
  // The column heads share the rows' classes (and widths), and a scrollbar's room, so each stands over its cells.
  const head = element('div', { class: 'list-head trace-columns' });
  const listElement = element('div', { class: 'trace-list', style: 'height: calc(100vh - 14rem)' });
  page.replaceChildren(element('h1', {}, 'Traces'), form, importStatus, head, listElement);

  let all = [];          // summaries, newest first, as the Trace Lab sent them
  let total = 0;         // traces in the Trace Lab (may exceed what was sent)
  let matching = null;   // ids matching the filters, or null when there are none
  let shown = [];
  let maxDuration = 1;
  let generation = 0;    // a newer filter or reload makes older answers stale
  const list = new VirtualList(listElement, { render: index => traceRow(shown[index]) });

  function current() { return new URLSearchParams(location.search); }

  function renderHead() {
    const query = current();
    const sort = query.get('sort') ?? 'time';
    const order = query.get('order') ?? 'desc';
    const header = (column, key, label) => {
      if (!key) return element('div', { class: column }, label);
      const arrow = sort === key ? (order === 'desc' ? ' ▼' : ' ▲') : '';
      return element('div', { class: column },
        element('button', { type: 'button', title: sort === key ? `Sorted by ${label.toLowerCase()}, ${order === 'desc' ? 'descending' : 'ascending'}` : `Sort by ${label.toLowerCase()}`, onclick: () => {
          const next = current();
          next.set('order', sort === key && order === 'desc' ? 'asc' : 'desc');
          next.set('sort', key);
          history.replaceState(null, '', `/traces?${next}`);
          renderHead();
          show();
        } }, label + arrow));
    };
    head.replaceChildren(header('time', 'time', 'Time'), header('name', null, 'Name'), header('services', null, 'Services'),
      header('duration', 'duration', 'Duration'), header('spans', 'spans', 'Spans'));
  }

  function filterQuery() {
    const query = new URLSearchParams();
    const from = current();
    for (const name of FILTERS) if (from.get(name)) query.set(name, from.get(name));
    if (from.get('errorsOnly') === 'true') query.set('errorsOnly', 'true');
    return query;
  }

  function applyFilters() {
    const next = new URLSearchParams();
    for (const name of FILTERS) if (inputs[name].value.trim()) next.set(name, inputs[name].value.trim());
    if (errorsOnly.checked) next.set('errorsOnly', 'true');
    const from = current();
    for (const key of ['sort', 'order']) if (from.get(key)) next.set(key, from.get(key));
    history.replaceState(null, '', `/traces${next.size ? `?${next}` : ''}`);
    refresh({ reloadList: false });
  }

  function traceRow(trace) {
    return element('div', { class: `trace-row trace-columns${trace.hasError ? ' has-error' : ''}`, tabindex: '0', role: 'link', 'data-trace-id': trace.traceId,
      onclick: () => navigate(`/traces/${trace.traceId}`),
      onkeydown: event => { if (event.key === 'Enter') navigate(`/traces/${trace.traceId}`); } },
      element('div', { class: 'time' }, formatTime(trace.startUnixMs)),
      element('div', { class: 'name', title: trace.name }, trace.name),
      serviceChips(trace.services),
      element('div', { class: 'duration' }, formatDuration(trace.durationMs),
        element('span', { class: 'durbar', style: `width:${Math.max(2, 120 * trace.durationMs / maxDuration)}px` })),
      element('div', { class: 'spans' }, String(trace.spanCount)));
  }

  // The filtered, sorted rows from what the page holds.
  function show() {
    const query = current();
    const key = SORT_KEYS[query.get('sort')] ?? SORT_KEYS.time;
    const direction = query.get('order') === 'asc' ? 1 : -1;
    shown = matching ? all.filter(t => matching.has(t.traceId)) : all.slice();
    if (key !== SORT_KEYS.time || direction !== -1) shown.sort((a, b) => direction * (key(a) - key(b)));
    maxDuration = 1;
    for (const trace of shown) if (trace.durationMs > maxDuration) maxDuration = trace.durationMs;
    const filtered = matching !== null;
    status.textContent = filtered
      ? `${shown.length} of ${all.length} traces match`
      : `${total} trace${total === 1 ? '' : 's'}${total > all.length ? ` (the newest ${all.length} listed)` : ''}`;
    status.classList.remove('error-text');
    list.setCount(shown.length);
  }

  async function refresh({ reloadList }) {
    const mine = ++generation;
    const query = filterQuery();
    try {
      const [listed, matches] = await Promise.all([
        reloadList ? getJson('/api/traces?limit=10000') : null,
        query.size ? getJson(`/api/traces/matches?${query}`) : null]);
      if (mine !== generation) return;
      if (listed) { all = listed.items; total = listed.total; }
      matching = matches ? new Set(matches.traceIds) : null;
      show();
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = error.message;
      status.classList.add('error-text');
    }
  }

  // An exported trace file goes to the Trace Lab, which keeps it like any other trace; then it opens.
  importFile.addEventListener('change', async () => {
    const file = importFile.files[0];
    importFile.value = '';
    if (!file) return;
    importStatus.hidden = true;
    try {
      const response = await fetch('/api/traces/import', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: file });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw new Error(body?.detail ?? `${response.status} ${response.statusText}`);
      navigate(`/traces/${body.traceIds[0]}`);
    } catch (error) {
      importStatus.textContent = `Could not import ${file.name}: ${error.message}`;
      importStatus.hidden = false;
    }
  });

  // New telemetry arrives as server-sent events; reload at most once a second, unless paused.
  let paused = false;
  let pending = null;
  const events = new EventSource('/api/live');
  events.addEventListener('traces', () => {
    if (paused || pending) return;
    pending = setTimeout(() => { pending = null; refresh({ reloadList: true }); }, 1000);
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) refresh({ reloadList: true });
  });

  renderHead();
  refresh({ reloadList: true });
  return () => { events.close(); clearTimeout(pending); generation++; };
}

// Rows have one height (the list is virtualised), so chips do not wrap: up to MAX_CHIPS services get a chip,
// more get MAX_CHIPS - 1 chips and a "+N" naming the rest; a chip too narrow for its name has it in its title.
const MAX_CHIPS = 4;
const serviceLabel = s => `${s.name} ${s.spanCount}`;

function serviceChips(services) {
  const colors = serviceColors(services.map(s => s.name));
  const shown = services.length > MAX_CHIPS ? services.slice(0, MAX_CHIPS - 1) : services;
  const rest = services.slice(shown.length);
  return element('div', { class: 'services', title: services.map(serviceLabel).join(', ') },
    shown.map(s => element('span', { class: 'chip', 'data-service': s.name, title: `${s.name}: ${s.spanCount} span${s.spanCount === 1 ? '' : 's'}`, style: `background:${colors.get(s.name)}` }, serviceLabel(s))),
    rest.length ? element('span', { class: 'chip more', title: rest.map(serviceLabel).join(', ') }, `+${rest.length}`) : null);
}
