// The Trace Lab's single-page UI: its pages (which read the JSON API), the theme, and the header's links.
import { renderTraces } from './traces.js';
import { renderTrace } from './trace.js';
import { renderLogs } from './logs.js';
import { renderQueues } from './queues.js';
import { getJson } from './api.js';
import { showForwardingStatus } from './forwarding-status.js';
import { startRouter } from './router.js';

// Each page renders into <main> and may return a function that tears it down (timers, live feeds).
const routes = [
  [/^\/traces\/([0-9a-f]{32})$/i, (page, match) => renderTrace(page, match[1])],
  [/^\/traces\/?$/, page => renderTraces(page)],
  [/^\/logs\/?$/, page => renderLogs(page)],
  [/^\/queues\/?$/, page => renderQueues(page)],
];

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

startRouter(document.getElementById('page'), routes);
