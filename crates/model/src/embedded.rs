//! The default dataset, compiled into the binary from `data/` at the repository root, so
//! `corridor` works with no files.

use crate::load::{DatasetInput, FILES, Input, load};
use crate::{LoadErrors, Network};
use std::borrow::Cow;

/// The texts of the embedded dataset, in the order of [`FILES`].
pub const TEXTS: [&str; 7] = [
    include_str!("../../../data/dataset.toml"),
    include_str!("../../../data/sources.csv"),
    include_str!("../../../data/nodes.csv"),
    include_str!("../../../data/links.csv"),
    include_str!("../../../data/services.csv"),
    include_str!("../../../data/emissions.csv"),
    include_str!("../../../data/tariffs.csv"),
];

/// Label of the embedded dataset in messages.
pub const LABEL: &str = "<embedded>/data";

/// The embedded dataset as loader input.
pub fn input() -> DatasetInput {
    DatasetInput {
        label: LABEL.to_string(),
        files: TEXTS.map(|t| Input::Bytes(Cow::Borrowed(t.as_bytes()))),
    }
}

/// Load the embedded dataset (validated by the test suite, so this succeeds in a release).
pub fn network() -> Result<Network, LoadErrors> {
    load(&input())
}

/// The file names of the embedded dataset, for listing.
pub fn file_names() -> [&'static str; 7] {
    FILES
}
