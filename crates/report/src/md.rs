//! The report as Markdown, with each figure an SVG file beside it (`STEM-NAME.svg`), linked
//! by relative name.

use crate::doc::{Block, Doc};
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown text and the SVG files it links: (file name, SVG document).
pub fn write(doc: &Doc, stem: &str) -> (String, Vec<(String, String)>) {
    let mut out = format!("# {}\n\n", doc.title);
    for s in &doc.subtitle {
        let _ = writeln!(out, "{s}  ");
    }
    let mut files = Vec::new();
    for sec in &doc.sections {
        let _ = write!(out, "\n## {}\n\n", sec.title);
        for b in &sec.blocks {
            match b {
                Block::Para(p) => {
                    let _ = write!(out, "{p}\n\n");
                }
                Block::Figure { name, svg, caption } => {
                    let file = format!("{stem}-{name}.svg");
                    let _ = write!(out, "![{}]({file})\n\n*{caption}*\n\n", cell(caption));
                    files.push((file, svg.clone()));
                }
                Block::Table {
                    caption,
                    head,
                    rows,
                    source,
                } => {
                    let _ = write!(out, "**{caption}**\n\n| ");
                    out.push_str(&head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
                    out.push_str(" |\n|");
                    out.push_str(&"---|".repeat(head.len()));
                    out.push('\n');
                    for r in rows {
                        out.push_str("| ");
                        out.push_str(&r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
                        out.push_str(" |\n");
                    }
                    let _ = write!(out, "\nSource: {source}.\n\n");
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {i}");
                    }
                    out.push('\n');
                }
            }
        }
    }
    (out, files)
}
