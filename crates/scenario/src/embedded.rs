//! The project pipeline and the scenarios compiled into the binary from `data/` at the
//! repository root (`data/projects.toml`, `data/scenarios/*.toml`), built from the facts of
//! the shared research: every figure with its source id, estimates saying so.

/// The embedded project pipeline: its name in messages and its text.
pub const PIPELINE: (&str, &str) = (
    "<embedded>/data/projects.toml",
    include_str!("../../../data/projects.toml"),
);

/// The embedded scenarios: (name, text), in the order `scenario list` shows them.
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "baseline",
        include_str!("../../../data/scenarios/baseline.toml"),
    ),
    (
        "middle-corridor-2030",
        include_str!("../../../data/scenarios/middle-corridor-2030.toml"),
    ),
    (
        "red-sea-closure",
        include_str!("../../../data/scenarios/red-sea-closure.toml"),
    ),
    (
        "northern-route-closed",
        include_str!("../../../data/scenarios/northern-route-closed.toml"),
    ),
    (
        "caspian-low-water",
        include_str!("../../../data/scenarios/caspian-low-water.toml"),
    ),
];

/// The file name of an embedded scenario in messages.
pub fn file_name(name: &str) -> String {
    format!("<embedded>/data/scenarios/{name}.toml")
}

/// An embedded scenario's text.
pub fn text(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The names of the embedded scenarios.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    SCENARIOS.iter().map(|(n, _)| *n)
}

/// The embedded pipeline as a context's pipelines.
pub fn pipelines() -> Vec<(String, String)> {
    vec![(PIPELINE.0.to_string(), PIPELINE.1.to_string())]
}

/// The embedded network and simulation parameters (the base of embedded scenarios).
pub fn base() -> Result<
    (
        std::sync::Arc<corridor_model::Network>,
        corridor_sim::ops_input::Parsed,
    ),
    corridor_model::LoadErrors,
> {
    use corridor_sim::ops_input;
    let net = std::sync::Arc::new(corridor_model::embedded::network()?);
    let params = ops_input::parse(
        &net,
        "<embedded>/data/simulation.toml",
        ops_input::DEFAULT_SIMULATION,
        DEMAND_FILE,
        ops_input::DEFAULT_DEMAND,
    )?;
    Ok((net, params))
}

/// The embedded demand table's name in messages.
pub const DEMAND_FILE: &str = "<embedded>/data/demand.csv";

/// An embedded scenario, resolved against the embedded network and pipeline (`None`: no
/// such scenario).
pub fn scenario(
    name: &str,
) -> Option<Result<(crate::Scenario, Vec<corridor_model::Diagnostic>), corridor_model::LoadErrors>>
{
    let text = text(name)?;
    Some(base().and_then(|(net, params)| {
        let pipes = pipelines();
        let ctx = crate::scenario::Context {
            base: net,
            params: &params,
            demand_file: DEMAND_FILE,
            pipelines: &pipes,
            demand_table: None,
        };
        crate::Scenario::parse(&file_name(name), text, &ctx)
    }))
}
