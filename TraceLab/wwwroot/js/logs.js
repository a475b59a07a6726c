// Structured logs: filters in the URL, newest first; each entry links to its trace and span.
import { getJson } from './api.js';
import { element } from './dom.js';
import { formatTime } from './format.js';
import { VirtualList } from './virtual-list.js';
import { navigate } from './router.js';

const FILTERS = ['service', 'level', 'text', 'traceId'];

export function renderLogs(page) {
  const params = new URLSearchParams(location.search);
  const inputs = Object.fromEntries(FILTERS.map(name => [name, name === 'level'
    ? element('select', { name }, ['', 'trace', 'debug', 'information', 'warning', 'error', 'critical'].map(l => element('option', { value: l, selected: params.get('level') === l }, l || 'any')))
    : element('input', { name, value: params.get(name) ?? '', size: name === 'traceId' ? 34 : 14 })]));
  const status = element('span', { class: 'muted', role: 'status' });
  const form = element('form', { class: 'filters', onsubmit: event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (inputs[name].value.trim()) next.set(name, inputs[name].value.trim());
    navigate(`/logs?${next}`, { replace: true });
  } }, ...FILTERS.map(name => element('label', {}, name, inputs[name])), element('button', { type: 'submit' }, 'Filter'), status);
  const listElement = element('div', { style: 'height: calc(100vh - 12rem)' });
  page.replaceChildren(element('h1', {}, 'Structured logs'), form, listElement);

  let logs = [];
  const list = new VirtualList(listElement, { render: index => {
    const log = logs[index];
    return element('div', { class: 'log-row' },
      element('div', { class: 'time' }, formatTime(log.timeUnixMs)),
      element('div', { class: `level level-${log.level}` }, log.level),
      element('div', { class: 'service' }, log.service),
      element('div', { class: 'body', title: log.body }, log.body),
      log.traceId ? element('div', {}, element('a', { href: `/traces/${log.traceId}${log.spanId ? `?spanId=${log.spanId}` : ''}` }, 'trace')) : null);
  } });

  getJson(`/api/logs?${new URLSearchParams([...params, ['limit', '10000']])}`).then(result => {
    logs = result.items;
    status.textContent = `${result.total} log record${result.total === 1 ? '' : 's'}`;
    list.setCount(logs.length);
  }).catch(error => { status.textContent = error.message; status.classList.add('error-text'); });
}
