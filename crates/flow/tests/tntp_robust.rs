//! The TNTP readers never panic: random bytes, and real files with random splices.
//! Malformed real files give errors naming file, line and field.

use corridor_flow::tntp;
use proptest::prelude::*;

/// The TNTP networks (copies of `../shared/data/tntp`, so the tests run from any checkout).
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tntp");

fn real(name: &str, suffix: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}/{name}_{suffix}.tntp")).unwrap()
}

fn parse_all(text: &str) {
    let _ = tntp::parse_net(text, "x_net.tntp");
    let _ = tntp::parse_trips(text, "x_trips.tntp");
    let _ = tntp::parse_flow(text, "x_flow.tntp");
}

/// Bytes that TNTP files are made of, so that splices hit the parsers' interesting paths.
fn tntp_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::sample::select(b"0123456789.-+eE:;~<> \t\n\rOrigin".to_vec()),
            1 => any::<u8>(),
        ],
        0..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_tntp_like_text_never_panics(bytes in tntp_bytes()) {
        let mut text = String::from("<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n");
        text.push_str(&String::from_utf8_lossy(&bytes));
        parse_all(&text);
    }

    #[test]
    fn spliced_real_files_never_panic(
        which in 0usize..3,
        at in 0.0f64..1.0,
        cut in 0usize..200,
        insert in tntp_bytes(),
    ) {
        let text = match which {
            0 => real("SiouxFalls", "net"),
            1 => real("SiouxFalls", "trips"),
            _ => real("Anaheim", "flow"),
        };
        let bytes = text.as_bytes();
        let i = (at * bytes.len() as f64) as usize;
        let j = (i + cut).min(bytes.len());
        let mut spliced = bytes[..i].to_vec();
        spliced.extend_from_slice(&insert);
        spliced.extend_from_slice(&bytes[j..]);
        parse_all(&String::from_utf8_lossy(&spliced));
    }
}

#[test]
fn real_files_parse() {
    for name in ["SiouxFalls", "Anaheim"] {
        let net = tntp::parse_net(&real(name, "net"), "net").unwrap();
        let trips = tntp::parse_trips(&real(name, "trips"), "trips").unwrap();
        let flow = tntp::parse_flow(&real(name, "flow"), "flow").unwrap();
        assert_eq!(net.links.len(), flow.len());
        let declared = trips.total_od_flow.unwrap();
        assert!((trips.total() - declared).abs() < 1e-6 * declared);
    }
    let net = tntp::parse_net(&real("Anaheim", "net"), "a").unwrap();
    assert_eq!((net.zones, net.nodes, net.first_thru_node), (38, 416, 39));
    assert_eq!(net.links.len(), 914);
}

#[test]
fn malformed_real_net_names_file_line_and_field() {
    let text = real("SiouxFalls", "net");
    // Drop the last link row: the header count is now wrong.
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.iter().rposition(|l| l.contains(';')).unwrap();
    lines.remove(last);
    let e = tntp::parse_net(&lines.join("\n"), "SiouxFalls_net.tntp").unwrap_err();
    let d = &e.diagnostics[0];
    assert_eq!(d.file, "SiouxFalls_net.tntp");
    assert_eq!(d.line, Some(4));
    assert_eq!(d.field.as_deref(), Some("NUMBER OF LINKS"));
    let shown = e.to_string();
    assert!(
        shown.contains("SiouxFalls_net.tntp:4: field `NUMBER OF LINKS`"),
        "{shown}"
    );
    // A negative capacity on the first row (line 10).
    let bad = text.replacen("25900.20064", "-25900.2", 1);
    let e = tntp::parse_net(&bad, "SiouxFalls_net.tntp").unwrap_err();
    let d = &e.diagnostics[0];
    assert_eq!(
        (d.line, d.column, d.field.as_deref()),
        (Some(10), Some(3), Some("capacity"))
    );
    // Missing END OF METADATA.
    let e = tntp::parse_net(&text.replace("<END OF METADATA>", ""), "n").unwrap_err();
    assert!(!e.diagnostics.is_empty());
    // Unknown node in trips (zone 25 of 24).
    let trips = real("SiouxFalls", "trips").replacen("    2 :    100.0;", "   25 :    100.0;", 1);
    let e = tntp::parse_trips(&trips, "SiouxFalls_trips.tntp").unwrap_err();
    let d = &e.diagnostics[0];
    assert_eq!((d.line, d.field.as_deref()), (Some(7), Some("destination")));
    assert!(d.message.contains("unknown zone 25"));
}
