// The shipment panel: from, to, date, TEU and constraints → the corridor comparison
// (POST /api/compare), its table and its routes on the map; hovering a row highlights its
// route everywhere.
import { post, num, esc, card } from './api.js';
import { select } from './linked.js';
import * as map from './map.js';

const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

function colourOf(key) {
  const el = document.querySelector(`#map .legend-item[data-corridor="${CSS.escape(key)}"] line`);
  return el ? el.getAttribute('stroke') : null;
}

const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#8C6D1F', '#4D4D4D'];

function table(rows) {
  const head = ['Corridor', 'Median days', '90th pct. days', 'On time', 'USD per TEU', 'kg CO2e per TEU (well to wheel)', 'Borders'];
  const body = rows.map((r, i) => {
    const sw = `<span class="swatch" style="background:${r.colour}"></span>`;
    if (!r.available) {
      return `<tr data-corridor="${esc(r.corridor)}"><td>${sw}${esc(r.corridor_name)}</td><td colspan="6">No route: ${esc(r.reason_summary || r.reason || 'none under the constraints')}</td></tr>`;
    }
    return `<tr tabindex="0" data-row="${i}" data-corridor="${esc(r.corridor)}"><td>${sw}${esc(r.corridor_name)}</td>
      <td class="n">${num(r.p50_days)}</td><td class="n">${num(r.p90_days)}</td><td class="n">${num(r.reliability * 100, 0)} %</td>
      <td class="n">${num(r.cost_usd_per_teu, 0)}</td><td class="n">${num(r.co2e_wtw_kg_per_teu, 0)}</td><td class="n">${r.border_crossings}</td></tr>`;
  }).join('');
  return `<table id="compare-table"><thead><tr>${head.map((h, i) => `<th${i ? ' class="n"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

async function submit(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const status = document.getElementById('route-status');
  const req = {
    from: f.get('from'), to: f.get('to'), date: f.get('date'), teu: Number(f.get('teu')),
    avoid_country: list(f.get('avoid_country')), avoid_passage: list(f.get('avoid_passage')),
    prefer: f.get('prefer'), samples: 1000,
  };
  status.className = 'status';
  status.textContent = 'Searching every corridor…';
  try {
    const res = await post('/api/compare', req);
    if (document.getElementById('map').dataset.job) await map.load(null);
    const rows = res.rows.map((r, i) => ({ ...r, colour: colourOf(r.corridor) || PALETTE[i % PALETTE.length] }));
    map.drawRoutes(rows.filter((r) => r.available).map((r) => ({ key: r.corridor, colour: r.colour, links: r.legs.map((l) => l.link) })));
    const s = res.shipment;
    const notes = (res.notes || []).map((n) => `<li>${esc(n.text || n.message || JSON.stringify(n))}</li>`).join('');
    const el = card('card-compare', `${s.from} → ${s.to}, ready ${s.ready}, ${num(s.teu)} TEU`,
      `${table(rows)}<p class="source">Source: Corridor's route search (exact Pareto search over time, cost and CO2e) and ${req.samples} simulated journeys per route, on the dataset's sourced figures. ${esc((res.warnings || []).join(' '))}</p>${notes ? `<details><summary>What the figures assume</summary><ul>${notes}</ul></details>` : ''}`, true);
    el.querySelectorAll('tr[data-row]').forEach((tr) => {
      const r = rows[Number(tr.dataset.row)];
      const on = () => select({ kind: 'links', keys: r.legs.map((l) => l.link), label: `${r.corridor_name}: ${r.places ? r.places.map((p) => p.name || p).join(' → ') : ''}` });
      tr.addEventListener('mouseenter', on);
      tr.addEventListener('focus', on);
      tr.addEventListener('mouseleave', () => select(null));
    });
    document.getElementById('map-caption').textContent = 'Routes in their corridor colours (see the table); hover or focus a row to pick one out.';
    status.textContent = `${rows.filter((r) => r.available).length} of ${rows.length} corridors have a route; hover a row to see it on the map.`;
  } catch (err) {
    status.className = 'status error';
    status.textContent = err.body && err.body.field ? `${err.body.field}: ${err.message}` : err.message;
  }
}

export function init() {
  document.getElementById('route-form').addEventListener('submit', submit);
}
