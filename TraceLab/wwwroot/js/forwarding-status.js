// The forwarder's counts in the header, refreshed every few seconds; nothing is shown when the Lab does not
// forward. Dropped exports (the queue was full) and failed sends are highlighted: Aspire's dashboard is
// missing telemetry that the Lab has.
import { getJson } from './api.js';
import { element } from './dom.js';

const REFRESH_MS = 5000;

export function showForwardingStatus(badge) {
  async function refresh() {
    if (!document.hidden) {
      let status;
      try {
        status = await getJson('/api/forwarding');
      } catch {
        status = null; // a passing error: try again at the next turn
      }
      if (status && !status.enabled) return; // off for the life of this Lab: stop asking
      if (status) render(badge, status);
    }
    setTimeout(refresh, REFRESH_MS);
  }
  refresh();
}

function render(badge, status) {
  const count = (value, name, highlight) => element('span', { class: highlight ? 'count alert' : 'count', 'data-count': name }, value.toLocaleString());
  badge.replaceChildren(
    'Forwarding to Aspire: ', count(status.forwarded, 'sent', false), ' sent, ',
    count(status.dropped, 'dropped', status.dropped > 0), ' dropped',
    ...(status.failed > 0 ? [', ', count(status.failed, 'failed', true), ' failed'] : []));
  badge.title = `${status.protocol} to ${status.endpoint}: ${status.forwarded} sent, ${status.dropped} dropped because the queue was full, ` +
    `${status.failed} failed, ${status.queued} queued now (${status.queuedBytes} bytes).`;
  badge.hidden = false;
}
