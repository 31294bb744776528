//! `corridor serve` as a process: a saved scenario survives SIGKILL and a restart; SIGTERM
//! shuts down gracefully; off loopback without a token it refuses to start.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Start the server on a free loopback port; the child and its address.
fn start(db: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(db)
        .env_remove("CORRIDOR_TOKEN")
        .stderr(Stdio::piped())
        .spawn()
        .expect("corridor serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// One HTTP/1.1 request; the status and body.
fn request(addr: &str, method: &str, path: &str, ctype: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

const SCENARIO: &str = "name = \"kept\"\ntitle = \"Kept across a kill\"\nyears = [2025, 2026]\n\n[demand]\ntable = \"embedded\"\nbase_year = 2024\n";

#[test]
fn a_saved_scenario_survives_sigkill_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corridor.db");
    let (mut a, addr) = start(&db);
    let (status, body) = request(
        &addr,
        "POST",
        "/api/scenarios",
        "application/toml",
        SCENARIO,
    );
    assert_eq!(status, 201, "{body}");
    a.kill().unwrap(); // SIGKILL
    a.wait().unwrap();
    let (mut b, addr) = start(&db);
    let (status, body) = request(&addr, "GET", "/api/scenarios/kept", "application/json", "");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["source"], "saved");
    assert_eq!(v["version"], 1);
    assert_eq!(v["toml"], SCENARIO);
    // SIGTERM: a graceful shutdown, exit 0.
    let pid = b.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(b.wait().unwrap().success());
}

#[test]
fn off_loopback_without_a_token_it_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["serve", "--bind", "0.0.0.0:0", "--db"])
        .arg(dir.path().join("c.db"))
        .env_remove("CORRIDOR_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs an access token"), "{err}");
    assert!(!dir.path().join("c.db").exists());
}
