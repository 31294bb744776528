// Linked views: selecting a place, link or corridor anywhere highlights it everywhere:
// on the map, in every chart and in every table (elements with data-node, data-link,
// data-corridor or data-corridors).

let current = null;
const listeners = [];

function matches(el, sel) {
  const d = el.dataset;
  if (sel.kind === 'corridor') return d.corridor === sel.key || (d.corridors || '').split(' ').includes(sel.key);
  if (sel.kind === 'node') return d.node === sel.key || d.from === sel.key || d.to === sel.key;
  if (sel.kind === 'link') return d.link === sel.key;
  if (sel.kind === 'links') return sel.keys.includes(d.link);
  return false;
}

/** Highlight `sel` ({kind, key} or {kind: 'links', keys, label}) everywhere; null clears. */
export function select(sel) {
  current = sel;
  document.querySelectorAll('.hl').forEach((el) => el.classList.remove('hl'));
  document.querySelectorAll('svg.dim').forEach((el) => el.classList.remove('dim'));
  if (sel) {
    document.querySelectorAll('[data-node],[data-link],[data-corridor],[data-corridors]').forEach((el) => {
      if (matches(el, sel)) {
        el.classList.add('hl');
        el.closest('svg')?.classList.add('dim');
      }
    });
  }
  const label = document.getElementById('selection');
  if (label) label.textContent = sel ? `Selected: ${sel.label || sel.key}` : '';
  listeners.forEach((f) => f(sel));
}

/** Call `f(selection)` on each change. */
export function onSelect(f) { listeners.push(f); }

/** The selection of an element (the nearest with a data attribute), or null. */
export function selectionOf(el) {
  const t = el.closest('[data-link],[data-node],[data-corridor]');
  if (!t) return null;
  const d = t.dataset;
  const title = t.querySelector(':scope > title')?.textContent;
  if (d.node) return { kind: 'node', key: d.node, label: title || d.node };
  if (d.link) return { kind: 'link', key: d.link, label: title || d.link };
  return { kind: 'corridor', key: d.corridor, label: d.corridor };
}

/** Make a container's elements selectable by click, Enter and hover. */
export function wire(container) {
  container.addEventListener('click', (e) => {
    const s = selectionOf(e.target);
    if (s) select(current && current.kind === s.kind && current.key === s.key ? null : s);
  });
  container.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { const s = selectionOf(e.target); if (s) select(s); }
    if (e.key === 'Escape') select(null);
  });
}
