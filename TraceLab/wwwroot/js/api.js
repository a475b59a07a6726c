// Talks to the Trace Lab's JSON API with the session cookie; a lost session goes back to the login page.
export async function getJson(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    location.href = `/login?returnUrl=${encodeURIComponent(location.pathname + location.search)}`;
    throw new Error('not logged in');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.detail ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}
