//! Helpers shared by the end-to-end tests.

use assert_cmd::Command;

/// Run `corridor` with `args`: (exit code, stdout, stderr). Tables are laid out for the
/// default 120 columns whatever the `COLUMNS` of the shell running the tests.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .env_remove("COLUMNS")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
