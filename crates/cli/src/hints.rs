//! Hints for the mistakes newcomers make on the command line: a date given without
//! `--date`, a percentage where a factor is expected.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// True for text that looks like a calendar date (`2026-03-03`, `2026/03/03`, `03.03.2026`).
fn looks_like_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Parse the command line; an unexpected argument that looks like a date gets the tip to
/// write `--date` before it. Errors exit as clap's do (2 for a usage error).
pub fn parse<C: clap::Parser>() -> C {
    match C::try_parse() {
        Ok(c) => c,
        Err(mut e) => {
            let date = match (e.kind(), e.get(ContextKind::InvalidArg)) {
                (ErrorKind::UnknownArgument, Some(ContextValue::String(v)))
                    if looks_like_date(v) =>
                {
                    Some(v.clone())
                }
                _ => None,
            };
            if let Some(v) = date {
                e.insert(
                    ContextKind::Suggested,
                    ContextValue::StyledStrs(vec![
                        format!("a date is given with --date: add --date before it (`--date {v}`)")
                            .into(),
                    ]),
                );
            }
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                // clap's own exit ignores a failed write (`--help > /dev/full` said 0).
                let written = e
                    .print()
                    .and_then(|()| std::io::Write::flush(&mut std::io::stdout()));
                match written {
                    Ok(()) => std::process::exit(0),
                    Err(w) if w.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
                    Err(w) => {
                        eprintln!("error: cannot write to standard output: {w}");
                        std::process::exit(i32::from(crate::EXIT_INVALID))
                    }
                }
            }
            e.exit()
        }
    }
}

/// A multiplying factor (`--demand-factor`): a number; a percentage gets the factor to
/// write instead (`50%` → `write 1.5 for +50 %`).
pub fn factor(s: &str) -> Result<f64, String> {
    let t = s.trim();
    if let Some(p) = t.strip_suffix('%') {
        return Err(match p.trim().parse::<f64>() {
            Ok(p) if p.is_finite() => format!(
                "a factor is a plain number: write {} for +{} % (or {} for a demand of {} % of today's)",
                corridor_model::ranges::num(1.0 + p / 100.0),
                corridor_model::ranges::num(p),
                corridor_model::ranges::num(p / 100.0),
                corridor_model::ranges::num(p)
            ),
            _ => "a factor is a plain number, e.g. 1.5 for +50 %".to_string(),
        });
    }
    t.parse::<f64>()
        .map_err(|_| format!("`{t}` is not a number; a factor is e.g. 1.5 for +50 %"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_factors() {
        assert!(super::looks_like_date("2026-03-03") && super::looks_like_date("03.03.2026"));
        assert!(!super::looks_like_date("Duisburg") && !super::looks_like_date("1.5"));
        assert_eq!(super::factor("1.5"), Ok(1.5));
        let e = super::factor("50%").unwrap_err();
        assert!(e.contains("write 1.5 for +50 %"), "{e}");
    }
}
