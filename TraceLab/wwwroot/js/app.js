// The Trace Lab's single-page UI: a small router over pages that read the JSON API.
import { renderTraces } from './traces.js';
import { renderTrace } from './trace.js';
import { renderLogs } from './logs.js';
import { getJson } from './api.js';
import { showForwardingStatus } from './forwarding-status.js';

const page = document.getElementById('page');
let cleanup = null;

const routes = [
  [/^\/traces\/([0-9a-f]{32})$/i, match => renderTrace(page, match[1])],
  [/^\/traces\/?$/, () => renderTraces(page)],
  [/^\/logs\/?$/, () => renderLogs(page)],
];

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  route();
}

function route() {
  cleanup?.();
  cleanup = null;
  if (location.pathname === '/' || location.pathname === '') {
    history.replaceState(null, '', '/traces');
  }
  const path = location.pathname;
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.toggleAttribute('aria-current', path.startsWith('/' + link.dataset.nav));
    if (path.startsWith('/' + link.dataset.nav)) link.setAttribute('aria-current', 'page');
  }
  for (const [pattern, render] of routes) {
    const match = path.match(pattern);
    if (match) {
      cleanup = render(match) ?? null;
      return;
    }
  }
  page.replaceChildren(Object.assign(document.createElement('p'), { textContent: `Nothing is at ${path}.`, className: 'error-text' }));
}

// Links inside the app change the page without reloading it.
document.addEventListener('click', event => {
  const link = event.target.closest('a[href^="/"]');
  if (!link || link.target || event.ctrlKey || event.metaKey || event.shiftKey || link.getAttribute('href').startsWith('/logout') || link.hasAttribute('download') || link.getAttribute('href').startsWith('/api/')) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', route);

// Light, dark, or the system's choice; remembered per browser.
const theme = localStorage.getItem('theme');
if (theme) document.documentElement.dataset.theme = theme;
document.getElementById('theme').addEventListener('click', () => {
  const dark = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() === '#0d1117';
  document.documentElement.dataset.theme = dark ? 'light' : 'dark';
  localStorage.setItem('theme', document.documentElement.dataset.theme);
});

// Aspire's dashboard, when one is configured, opens in a tab of its own.
getJson('/api/ui-config').then(config => {
  const url = config.aspireDashboardUrl;
  if (!url || !/^https?:\/\//i.test(url)) return;
  const link = document.getElementById('aspire-dashboard');
  link.href = url;
  link.hidden = false;
}).catch(() => {});

showForwardingStatus(document.getElementById('forwarding'));

route();
