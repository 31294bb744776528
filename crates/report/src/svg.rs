//! The small pieces every drawing uses: XML escaping, short numbers, the colours of the
//! corridors and modes, and the SVG element written as well-formed XML (so a report is
//! XHTML a parser can check).

use std::fmt::Write;

/// Text escaped for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal (enough at screen scale), without `-0.0`.
pub fn c1(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A figure for people: thousands separated, at most `digits` decimals (0 for ≥ 100).
pub fn num(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let d = if x.abs() >= 100.0 { 0 } else { digits };
    let s = format!("{:.*}", d, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A signed figure (`+1,200`, `−35`, `0`).
pub fn signed(x: f64, digits: usize) -> String {
    let s = num(x, digits);
    if x > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

/// A colour-blind-safe palette (Okabe & Ito) for corridors, in the dataset's order.
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#4D4D4D",
];

/// The colour of the `i`-th corridor of the dataset.
pub fn corridor_colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The colour and dash pattern of a mode: rail solid, ferries dashed, sea dotted.
pub fn mode_style(mode: &str) -> (&'static str, Option<&'static str>) {
    match mode {
        "rail" => ("#3b4a5a", None),
        "road" => ("#7a5c3a", None),
        "deep_sea" | "short_sea" => ("#2b6f9e", Some("2 3")),
        m if m.ends_with("ferry") => ("#148a8a", Some("6 3")),
        _ => ("#555555", None),
    }
}

/// An SVG document under construction.
pub struct Svg {
    out: String,
}

impl Svg {
    /// A document `w` × `h` (user units, scaled to its container), with a class for CSS,
    /// an accessible title and the shared styles.
    pub fn new(w: f64, h: f64, class: &str, title: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" class="{}" role="img" aria-label="{}" font-family="system-ui, sans-serif"><title>{}</title>"#,
            c1(w),
            c1(h),
            esc(class),
            esc(title),
            esc(title)
        );
        Svg { out }
    }

    /// Raw, already well-formed markup.
    pub fn raw(&mut self, s: &str) -> &mut Svg {
        self.out.push_str(s);
        self
    }

    /// A text element (escaped) at (x, y) with attributes.
    pub fn text(&mut self, x: f64, y: f64, attrs: &str, s: &str) -> &mut Svg {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" {attrs}>{}</text>"#,
            c1(x),
            c1(y),
            esc(s)
        );
        self
    }

    /// A line.
    pub fn line(&mut self, a: (f64, f64), b: (f64, f64), attrs: &str) -> &mut Svg {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#,
            c1(a.0),
            c1(a.1),
            c1(b.0),
            c1(b.1)
        );
        self
    }

    /// A rectangle with an optional tooltip.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {attrs}"#,
            c1(x),
            c1(y),
            c1(w.max(0.0)),
            c1(h.max(0.0))
        );
        self.close_with_tip(tip, "rect");
    }

    /// `>` + `<title>tip</title></TAG>`, or `/>`.
    pub fn close_with_tip(&mut self, tip: Option<&str>, tag: &str) {
        match tip {
            Some(t) => {
                let _ = write!(self.out, "><title>{}</title></{tag}>", esc(t));
            }
            None => self.out.push_str("/>"),
        }
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(1234567.4, 1), "1,234,567");
        assert_eq!(num(12.345, 1), "12.3");
        assert_eq!(num(-0.01, 1), "0.0");
        assert_eq!(signed(1500.0, 0), "+1,500");
        assert_eq!(signed(-35.0, 0), "−35");
        assert_eq!(c1(-0.01), "0");
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
