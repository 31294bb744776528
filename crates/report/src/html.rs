//! The report as one self-contained HTML file: the SVGs inline, the styles in the file, no
//! script, no reference outside it (so it opens offline and reads without JavaScript). It
//! is written as XHTML-compatible markup (every element closed, every attribute quoted),
//! and prints on A4.

use crate::doc::{Block, Doc};
use crate::svg::esc;
use std::fmt::Write;

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2d3a; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #c9c2b4; padding-bottom: 0.2rem; margin-top: 2rem; }
.meta { color: #4a5866; font-size: 0.9rem; margin: 0.1rem 0; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; border: 1px solid #ddd; }
figcaption, .source { font-size: 0.85rem; color: #4a5866; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.6rem 0 0.2rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #e3e0d8; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f0e8; }
.url { word-break: break-all; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, tr { break-inside: avoid; page-break-inside: avoid; }
  figure svg { border: none; max-height: 240mm; }
  table { font-size: 8pt; }
}
"#;

fn numeric(cell: &str) -> bool {
    let t = cell.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || ",.+−-–() ".contains(c))
        && t.chars().any(|c| c.is_ascii_digit())
}

fn table(out: &mut String, caption: &str, head: &[String], rows: &[Vec<String>], source: &str) {
    let _ = write!(out, "<table><caption>{}</caption><thead><tr>", esc(caption));
    for h in head {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric(c) {
                r#" class="n""#
            } else if head.get(i).is_some_and(|h| h.starts_with("Address")) {
                r#" class="url""#
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(c));
        }
        out.push_str("</tr>");
    }
    let _ = write!(
        out,
        r#"</tbody></table><p class="source">Source: {}.</p>"#,
        esc(source)
    );
}

/// An SVG document for inline use in HTML (the namespace is implied there).
pub fn inline_svg(svg: &str) -> String {
    svg.replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1)
}

/// The whole file.
pub fn write(doc: &Doc) -> String {
    let mut out = String::from("<!DOCTYPE html>\n");
    let _ = write!(
        out,
        r#"<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1>"#,
        esc(&doc.title),
        esc(&doc.title)
    );
    for s in &doc.subtitle {
        let _ = write!(out, r#"<p class="meta">{}</p>"#, esc(s));
    }
    for sec in &doc.sections {
        let _ = write!(out, "<section><h2>{}</h2>", esc(&sec.title));
        for b in &sec.blocks {
            match b {
                Block::Para(p) => {
                    let _ = write!(out, "<p>{}</p>", esc(p));
                }
                Block::Figure { svg, caption, .. } => {
                    let _ = write!(
                        out,
                        "<figure>{}<figcaption>{}</figcaption></figure>",
                        inline_svg(svg),
                        esc(caption)
                    );
                }
                Block::Table {
                    caption,
                    head,
                    rows,
                    source,
                } => table(&mut out, caption, head, rows, source),
                Block::List(items) => {
                    out.push_str("<ul>");
                    for i in items {
                        let _ = write!(out, "<li>{}</li>", esc(i));
                    }
                    out.push_str("</ul>");
                }
            }
        }
        out.push_str("</section>");
    }
    out.push_str("</body></html>\n");
    out
}
