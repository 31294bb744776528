//! `dataset.toml`: the dataset's name, corridors, the origins that must reach every
//! destination, and the cargo mass per TEU. Positions come from the TOML spans of the
//! values themselves, never from a search for their text.

use super::Loader;
use crate::diag::{Diagnostic, Sink, did_you_mean};
use crate::network::{Cite, Corridor, CorridorSet, NodeId, Passage, Sourced};
use crate::read::line_of_offset;
use crate::units::Tonnes;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub(super) struct TomlMeta {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub description: Spanned<String>,
    #[serde(default)]
    corridor: Vec<TomlCorridor>,
    #[serde(default)]
    passage: Vec<TomlPassage>,
    #[serde(default)]
    connectivity: TomlConnectivity,
    cargo: TomlCargo,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TomlCargo {
    tonnes_per_teu: Spanned<f64>,
    tonnes_per_teu_src: Spanned<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TomlCorridor {
    key: Spanned<String>,
    name: Spanned<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TomlPassage {
    key: Spanned<String>,
    name: Spanned<String>,
    src: Spanned<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct TomlConnectivity {
    #[serde(default)]
    origins: Vec<Spanned<String>>,
    #[serde(default)]
    destinations: Vec<Spanned<String>>,
}

/// An origin or destination of `[connectivity]`: its node, id and line.
pub(super) type Endpoint = (NodeId, String, Option<u64>);

/// The 1-based line of a TOML value.
pub(crate) fn line_of<T>(text: &str, v: &Spanned<T>) -> Option<u64> {
    Some(line_of_offset(text.as_bytes(), v.span().start))
}

/// A TOML syntax or schema error, at the line of its span.
pub(crate) fn toml_error(file: &str, text: &str, e: &toml::de::Error, hint: &str) -> Diagnostic {
    let line = e.span().map(|s| line_of_offset(text.as_bytes(), s.start));
    Diagnostic::at(file, line, e.message().trim_end().to_string()).hint(hint)
}

impl Loader {
    pub(super) fn parse_meta(
        &mut self,
        sink: &mut Sink,
        file: &str,
        text: &str,
    ) -> Option<TomlMeta> {
        let meta: TomlMeta = match toml::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                sink.push(toml_error(
                    file,
                    text,
                    &e,
                    "see data/dataset.toml of the default dataset for the layout",
                ));
                return None;
            }
        };
        // Free text is printed as it is: control characters and bidirectional overrides
        // (which TOML escapes such as \u001b can hold) are refused.
        let texts = [
            (&meta.name, "name"),
            (&meta.version, "version"),
            (&meta.description, "description"),
        ]
        .into_iter()
        .chain(meta.corridor.iter().map(|c| (&c.name, "corridor.name")))
        .chain(meta.passage.iter().map(|p| (&p.name, "passage.name")));
        for (v, field) in texts {
            if let Some((at, name)) = crate::diag::forbidden_char(v.get_ref()) {
                sink.push(
                    Diagnostic::at(file, line_of(text, v), format!("the text holds {name} at character {at}"))
                        .field(field)
                        .hint("remove it: control characters and bidirectional overrides are never part of a dataset's text, and would garble or rewrite what a terminal shows"),
                );
            }
        }
        for c in &meta.corridor {
            let key = c.key.get_ref();
            let at = |message: String| {
                Diagnostic::at(file, line_of(text, &c.key), message).field("corridor.key")
            };
            if key.is_empty()
                || !key
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            {
                sink.push(at(format!(
                    "corridor key `{key}` must be lower-case letters, digits and `_`"
                )));
            } else if self.corridors.iter().any(|x| x.key == *key) {
                sink.push(at(format!("duplicate corridor `{key}`")));
            } else {
                self.corridors.push(Corridor {
                    key: key.clone(),
                    name: c.name.get_ref().clone(),
                });
            }
        }
        for p in &meta.passage {
            let key = p.key.get_ref();
            let at = |message: String| {
                Diagnostic::at(file, line_of(text, &p.key), message).field("passage.key")
            };
            if key.is_empty()
                || !key
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
            {
                sink.push(at(format!(
                    "passage key `{key}` must be lower-case letters, digits and `-`"
                )));
            } else if self.passages.iter().any(|x| x.key == *key) {
                sink.push(at(format!("duplicate passage `{key}`")));
            } else {
                // Its citation is resolved once sources.csv is read (`resolve_passages`).
                self.passages.push(Passage {
                    key: key.clone(),
                    name: p.name.get_ref().clone(),
                    cite: Cite(u32::MAX),
                });
            }
        }
        if self.corridors.len() > CorridorSet::MAX {
            sink.push(Diagnostic::at(
                file,
                None,
                format!(
                    "{} corridors defined; at most {} are supported",
                    self.corridors.len(),
                    CorridorSet::MAX
                ),
            ));
            self.corridors.truncate(CorridorSet::MAX);
        }
        Some(meta)
    }

    /// Cite each passage's sources (sources.csv is read after dataset.toml).
    pub(super) fn resolve_passages(
        &mut self,
        sink: &mut Sink,
        file: &str,
        text: &str,
        meta: &TomlMeta,
    ) {
        for p in &meta.passage {
            let Some(i) = self.passages.iter().position(|x| x.key == *p.key.get_ref()) else {
                continue;
            };
            let mut ids = Vec::new();
            for key in p
                .src
                .get_ref()
                .split([';', ',', ' '])
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                match self.source_by_key.get(key) {
                    Some(&id) => ids.push(id),
                    None if !self.table_read[1] => return,
                    None => sink.push(
                        Diagnostic::at(
                            file,
                            line_of(text, &p.src),
                            format!("unknown source `{key}`"),
                        )
                        .field("passage.src")
                        .maybe_hint(did_you_mean(
                            key,
                            self.sources.iter().map(|s| s.key.as_str()),
                        )),
                    ),
                }
            }
            if ids.is_empty() {
                sink.push(
                    Diagnostic::at(
                        file,
                        line_of(text, &p.src),
                        "missing source for the passage",
                    )
                    .field("passage.src"),
                );
                continue;
            }
            ids.sort_unstable();
            ids.dedup();
            let c = match self.cite_by_list.get(&ids) {
                Some(&c) => c,
                None => {
                    let c = Cite(self.citations.len() as u32);
                    self.citations.push(ids.clone());
                    self.cite_by_list.insert(ids, c);
                    c
                }
            };
            self.passages[i].cite = c;
        }
    }

    pub(super) fn check_cargo(&mut self, sink: &mut Sink, file: &str, text: &str, meta: &TomlMeta) {
        let cargo = &meta.cargo;
        let v = *cargo.tonnes_per_teu.get_ref();
        if let Err(e) = crate::ranges::TONNES_PER_TEU.check(v) {
            sink.push(
                Diagnostic::at(file, line_of(text, &cargo.tonnes_per_teu), e.message)
                    .field("cargo.tonnes_per_teu")
                    .maybe_hint(e.hint),
            );
            return;
        }
        let key = cargo.tonnes_per_teu_src.get_ref().trim();
        match self.source_by_key.get(key) {
            Some(&id) => {
                let c = match self.cite_by_list.get(&vec![id]) {
                    Some(&c) => c,
                    None => {
                        let c = Cite(self.citations.len() as u32);
                        self.citations.push(vec![id]);
                        self.cite_by_list.insert(vec![id], c);
                        c
                    }
                };
                self.tonnes_per_teu = Some(Sourced {
                    value: Tonnes(v),
                    cite: c,
                });
            }
            None if !self.table_read[1] => {}
            None => sink.push(
                Diagnostic::at(
                    file,
                    line_of(text, &cargo.tonnes_per_teu_src),
                    format!("unknown source `{key}`"),
                )
                .field("cargo.tonnes_per_teu_src")
                .hint(
                    did_you_mean(key, self.sources.iter().map(|s| s.key.as_str()))
                        .unwrap_or_else(|| "name a source id from sources.csv".into()),
                ),
            ),
        }
    }

    /// The origins and destinations of `[connectivity]`, resolved (unknown ones reported),
    /// each with its line.
    pub(super) fn connectivity_nodes(
        &self,
        sink: &mut Sink,
        file: &str,
        text: &str,
        meta: &TomlMeta,
    ) -> (Vec<Endpoint>, Vec<Endpoint>) {
        let resolve = |sink: &mut Sink, keys: &[Spanned<String>], field: &str| {
            let mut out = Vec::new();
            for k in keys {
                let line = line_of(text, k);
                match self.node_id(k.get_ref()) {
                    Some(id) => out.push((id, k.get_ref().clone(), line)),
                    None if !self.table_read[2] || self.dropped[2].contains(k.get_ref()) => {}
                    None => sink.push(
                        Diagnostic::at(file, line, format!("unknown node `{}`", k.get_ref()))
                            .field(format!("connectivity.{field}"))
                            .maybe_hint(did_you_mean(
                                k.get_ref(),
                                self.node_keys.iter().map(String::as_str),
                            )),
                    ),
                }
            }
            out
        };
        (
            resolve(sink, &meta.connectivity.origins, "origins"),
            resolve(sink, &meta.connectivity.destinations, "destinations"),
        )
    }
}
