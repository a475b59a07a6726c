// The traces list: newest first, filters kept in the URL, live updates with a pause button.
import { getJson, formatDuration, formatTime, serviceColor, element } from './api.js';
import { VirtualList } from './virtual-list.js';
import { navigate } from './app.js';

const FILTERS = ['service', 'text', 'minDuration', 'maxDuration', 'attribute'];

export function renderTraces(page) {
  const params = new URLSearchParams(location.search);
  const inputs = Object.fromEntries(FILTERS.map(name => [name, element('input', { name, value: params.get(name) ?? '', size: name === 'text' ? 20 : 12 })]));
  inputs.minDuration.placeholder = inputs.maxDuration.placeholder = 'ms or 1.5ms';
  inputs.attribute.placeholder = 'key=value';
  const errorsOnly = element('input', { type: 'checkbox', name: 'errorsOnly', checked: params.get('errorsOnly') === 'true' });
  const pause = element('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause');
  const status = element('span', { class: 'muted', role: 'status' });
  const form = element('form', { class: 'filters', onsubmit: event => { event.preventDefault(); applyFilters(); } },
    ...FILTERS.map(name => element('label', {}, name, inputs[name])),
    element('label', {}, 'errors only', errorsOnly),
    element('button', { type: 'submit' }, 'Filter'), pause, status);
  const head = element('table', { class: 'list' }, element('thead', {}, element('tr', {},
    sortHeader('time', 'Time'), element('th', {}, 'Name'), element('th', {}, 'Services'), sortHeader('duration', 'Duration'), sortHeader('spans', 'Spans'))));
  const listElement = element('div', { style: 'height: calc(100vh - 14rem)' });
  page.replaceChildren(element('h1', {}, 'Traces'), form, head, listElement);

  let traces = [];
  let maxDuration = 1;
  const list = new VirtualList(listElement, { render: index => traceRow(traces[index]) });

  function sortHeader(key, label) {
    const sort = params.get('sort') ?? 'time';
    const order = params.get('order') ?? 'desc';
    const arrow = sort === key ? (order === 'desc' ? ' ▼' : ' ▲') : '';
    return element('th', {}, element('button', { type: 'button', onclick: () => {
      const next = new URLSearchParams(location.search);
      next.set('order', sort === key && order === 'desc' ? 'asc' : 'desc');
      next.set('sort', key);
      navigate(`/traces?${next}`, { replace: true });
    } }, label + arrow));
  }

  function applyFilters() {
    const next = new URLSearchParams();
    for (const name of FILTERS) if (inputs[name].value.trim()) next.set(name, inputs[name].value.trim());
    if (errorsOnly.checked) next.set('errorsOnly', 'true');
    for (const key of ['sort', 'order']) if (params.get(key)) next.set(key, params.get(key));
    navigate(`/traces?${next}`, { replace: true });
  }

  function traceRow(trace) {
    return element('div', { class: `trace-row${trace.hasError ? ' has-error' : ''}`, tabindex: '0', role: 'link', 'data-trace-id': trace.traceId,
      onclick: () => navigate(`/traces/${trace.traceId}`),
      onkeydown: event => { if (event.key === 'Enter') navigate(`/traces/${trace.traceId}`); } },
      element('div', { class: 'time' }, formatTime(trace.startUnixMs)),
      element('div', { class: 'name', title: trace.name }, trace.name),
      element('div', { class: 'services' }, trace.services.map(s => element('span', { class: 'chip', style: `background:${serviceColor(s.name)}` }, `${s.name} ${s.spanCount}`))),
      element('div', { class: 'duration' }, formatDuration(trace.durationMs),
        element('span', { class: 'durbar', style: `width:${Math.max(2, 120 * trace.durationMs / maxDuration)}px` })));
  }

  async function load() {
    const query = new URLSearchParams(location.search);
    query.set('limit', '10000');
    try {
      const result = await getJson(`/api/traces?${query}`);
      traces = result.items;
      maxDuration = Math.max(1, ...traces.map(t => t.durationMs));
      status.textContent = `${result.total} trace${result.total === 1 ? '' : 's'}`;
      status.classList.remove('error-text');
      list.setCount(traces.length);
    } catch (error) {
      status.textContent = error.message;
      status.classList.add('error-text');
    }
  }

  // New telemetry arrives as server-sent events; reload at most once a second, unless paused.
  let paused = false;
  let pending = null;
  const events = new EventSource('/api/live');
  events.addEventListener('traces', () => {
    if (paused || pending) return;
    pending = setTimeout(() => { pending = null; load(); }, 1000);
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (!paused) load();
  });

  load();
  return () => { events.close(); clearTimeout(pending); };
}
