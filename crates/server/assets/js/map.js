// The map: the SVG drawn by the server (the same drawing as `corridor report`), zoomed and
// panned through its viewBox, with routes drawn over it from their legs' link ids.
import { svg } from './api.js';
import { wire } from './linked.js';

const host = () => document.getElementById('map');
let base = null; // the full viewBox [x, y, w, h]
let state = { job: null, year: null };

function setBox(b) {
  const el = host().querySelector('svg');
  if (el) el.setAttribute('viewBox', b.map((v) => v.toFixed(1)).join(' '));
}

function box() {
  const el = host().querySelector('svg');
  return el ? el.getAttribute('viewBox').split(/\s+/).map(Number) : base;
}

function zoom(f) {
  const [x, y, w, h] = box();
  const nw = Math.min(base[2], w / f), nh = Math.min(base[3], h / f);
  setBox([x + (w - nw) / 2, y + (h - nh) / 2, nw, nh]);
}

function pan(dx, dy) {
  const [x, y, w, h] = box();
  setBox([x + dx * w * 0.15, y + dy * h * 0.15, w, h]);
}

/** Load the map: the network alone, or with a finished job's result. */
export async function load(job = state.job, year = state.year, caption = '') {
  state = { job, year };
  const view = document.getElementById('map-view').value;
  const q = new URLSearchParams({ view });
  if (job) q.set('job', job);
  if (year) q.set('year', year);
  host().innerHTML = await svg(`/api/svg/map?${q}`);
  base = box();
  document.getElementById('map-caption').textContent = caption || (job ? '' : 'The network: links coloured by mode.');
  host().dataset.job = job || '';
}

/** Draw routes over the map: [{key, colour, links: [link ids], label}]. */
export function drawRoutes(routes) {
  const el = host().querySelector('svg');
  if (!el) return;
  el.querySelector('g.routes')?.remove();
  const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  g.setAttribute('class', 'routes');
  g.setAttribute('fill', 'none');
  g.setAttribute('stroke-linecap', 'round');
  routes.forEach((r, i) => {
    for (const id of r.links) {
      const src = el.querySelector(`.links path[data-link="${CSS.escape(id)}"]`);
      if (!src) continue;
      const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      p.setAttribute('d', src.getAttribute('d'));
      p.setAttribute('stroke', r.colour);
      p.setAttribute('stroke-width', '4');
      p.setAttribute('stroke-opacity', '0.85');
      // Offset parallel routes a little so shared links show every colour.
      p.setAttribute('transform', `translate(${(i % 3) - 1} ${(i % 2) - 0.5})`);
      p.dataset.link = id;
      p.dataset.corridor = r.key;
      p.dataset.route = r.key;
      g.append(p);
    }
  });
  el.querySelector('g.nodes')?.before(g);
}

/** Set up the map's tools and keyboard. */
export function init() {
  wire(host());
  document.getElementById('zoom-in').onclick = () => zoom(1.5);
  document.getElementById('zoom-out').onclick = () => zoom(1 / 1.5);
  document.getElementById('zoom-reset').onclick = () => setBox(base);
  document.getElementById('map-view').onchange = () => load();
  host().addEventListener('keydown', (e) => {
    const k = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (k) { pan(...k); e.preventDefault(); }
    if (e.key === '+' || e.key === '=') zoom(1.5);
    if (e.key === '-') zoom(1 / 1.5);
  });
  host().addEventListener('wheel', (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 1.25 : 0.8); }, { passive: false });
  return load(null);
}
