// Calls to Corridor's API. Every figure the dashboard shows comes from these answers.

/** An API error as a sentence, with its field and the problems' lines when there are. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function answer(res) {
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof body === 'object' ? body : { error: body });
  return body;
}

/** GET a JSON document. */
export async function get(path) {
  return answer(await fetch(path, { headers: { accept: 'application/json' } }));
}

/** POST JSON, answer JSON. */
export async function post(path, data, method = 'POST') {
  return answer(await fetch(path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(data),
  }));
}

/** GET an SVG document as text. */
export async function svg(path) {
  const res = await fetch(path);
  if (!res.ok) return answer(res);
  return res.text();
}

/** Follow a job over server-sent events until it ends; `onProgress(status)` on each. */
export function follow(id, onProgress) {
  return new Promise((resolve, reject) => {
    const es = new EventSource(`/api/jobs/${id}/events`);
    const read = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
    es.addEventListener('progress', (e) => { const s = read(e); if (s) onProgress(s); });
    es.addEventListener('end', (e) => {
      es.close();
      const s = read(e);
      if (s) onProgress(s);
      resolve(s);
    });
    es.onerror = () => { es.close(); get(`/api/jobs/${id}`).then(resolve, reject); };
  });
}

/** A number for people: thousands separated, `digits` decimals below 100. */
export function num(x, digits = 1) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const d = Math.abs(x) >= 100 ? 0 : digits;
  return x.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** Text escaped for HTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** A card in the results area, replacing one of the same id. */
export function card(id, title, html, wide = false) {
  const host = document.getElementById('results');
  let el = document.getElementById(id);
  if (!el) {
    el = document.createElement('article');
    el.id = id;
    host.append(el);
  }
  el.className = wide ? 'card wide' : 'card';
  el.innerHTML = `<h3>${esc(title)}</h3>${html}`;
  return el;
}
