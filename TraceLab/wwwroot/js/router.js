// Moves between the pages of the single-page UI: app.js hands the routes over once, and pages call navigate.
// It imports no page, so pages and app.js never import each other.
let page = null;
let routes = [];
let cleanup = null;

export function startRouter(pageElement, pageRoutes) {
  page = pageElement;
  routes = pageRoutes;
  // Links inside the app change the page without reloading it.
  document.addEventListener('click', event => {
    const link = event.target.closest('a[href^="/"]');
    if (!link || link.target || event.ctrlKey || event.metaKey || event.shiftKey || link.hasAttribute('download')) return;
    const href = link.getAttribute('href');
    if (href.startsWith('/logout') || href.startsWith('/api/')) return;
    event.preventDefault();
    navigate(href);
  });
  window.addEventListener('popstate', route);
  route();
}

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
    if (path.startsWith('/' + link.dataset.nav)) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  for (const [pattern, render] of routes) {
    const match = path.match(pattern);
    if (match) {
      cleanup = render(page, match) ?? null;
      return;
    }
  }
  const missing = document.createElement('p');
  missing.className = 'error-text';
  missing.textContent = `Nothing is at ${path}.`;
  page.replaceChildren(missing);
}
