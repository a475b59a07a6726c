// The app model's resources: state, health, URLs, environment (masked by the AppHost) and console output.
import { getJson, formatTime, element } from './api.js';

export function renderResources(page) {
  const table = element('table', { class: 'list' });
  const detail = element('section', { 'aria-label': 'Resource details' });
  page.replaceChildren(element('h1', {}, 'Resources'), table, detail);
  let selected = null;
  let after = 0;
  let consoleElement = null;

  async function loadResources() {
    const resources = await getJson('/api/app-resources');
    table.replaceChildren(
      element('thead', {}, element('tr', {}, ['Name', 'Type', 'State', 'Health', 'Started', 'URLs'].map(h => element('th', {}, h)))),
      element('tbody', {}, resources.map(r => element('tr', { 'data-resource': r.name, class: r.name === selected ? 'selected' : '' },
        element('td', {}, element('a', { href: '#', onclick: event => { event.preventDefault(); show(r); } }, r.name)),
        element('td', {}, r.type),
        element('td', { class: r.state === 'Failed' || r.state === 'Exited' ? 'error-text' : '' }, r.state + (r.exitCode != null ? ` (${r.exitCode})` : '')),
        element('td', {}, r.healthy ? 'healthy' : 'unhealthy'),
        element('td', {}, r.startedAt ? formatTime(Date.parse(r.startedAt)) : ''),
        element('td', {}, r.urls.map(u => u.startsWith('http') ? element('a', { href: u, target: '_blank', rel: 'noopener' }, u) : u).flatMap((x, i) => i ? [' ', x] : [x]))))));
    if (selected) show(resources.find(r => r.name === selected), true);
  }

  function show(resource, keepConsole = false) {
    if (!resource) return;
    if (!keepConsole || selected !== resource.name) {
      selected = resource.name;
      after = 0;
      consoleElement = element('pre', { class: 'details', style: 'max-height: 40vh', 'aria-label': 'Console output' });
      detail.replaceChildren(
        element('h2', {}, resource.name),
        resource.message ? element('p', { class: 'error-text' }, resource.message) : null,
        element('h3', {}, 'Environment'),
        element('table', { class: 'list' }, element('tbody', {}, Object.entries(resource.environment).map(([k, v]) => element('tr', {}, element('td', {}, k), element('td', {}, v))))),
        element('h3', {}, 'Console'), consoleElement);
    }
  }

  async function loadConsole() {
    if (!selected || !consoleElement) return;
    const lines = await getJson(`/api/app-resources/${encodeURIComponent(selected)}/logs?after=${after}`);
    for (const line of lines) {
      consoleElement.append(...ansiToNodes(line.text), '\n');
      after = line.sequence;
    }
    if (lines.length) consoleElement.scrollTop = consoleElement.scrollHeight;
  }

  const timer = setInterval(() => { loadResources().catch(() => {}); loadConsole().catch(() => {}); }, 1000);
  loadResources().catch(error => table.replaceChildren(element('caption', { class: 'error-text', role: 'alert' }, error.message)));
  return () => clearInterval(timer);
}

// Console output keeps its colours: SGR colour codes become styled spans, everything else is text.
const ANSI_COLORS = ['#000', '#c62828', '#2e7d32', '#b26a00', '#1565c0', '#6a1b9a', '#00838f', '#9e9e9e'];
function ansiToNodes(text) {
  // split with a capture group alternates text and codes: text, code, text, code, ...
  const nodes = text.split(/\u001b\[([0-9;]*)m/);
  let color = null;
  const result = [];
  nodes.forEach((part, i) => {
    if (i % 2 === 1) {
      for (const code of part.split(';').map(Number)) {
        if (code === 0 || code === 39) color = null;
        else if (code >= 30 && code <= 37) color = ANSI_COLORS[code - 30];
        else if (code >= 90 && code <= 97) color = ANSI_COLORS[code - 90];
      }
    } else if (part) {
      result.push(color ? element('span', { style: `color:${color}` }, part) : document.createTextNode(part));
    }
  });
  return result;
}
