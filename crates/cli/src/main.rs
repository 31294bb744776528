//! `corridor`: the command-line face of Corridor. Parses arguments, calls the library,
//! prints. No business logic lives here.

mod capacity;
mod hints;
mod layout;
mod output;
mod report;
mod routing;
mod routing_text;
mod scenario;
mod scenario_text;
mod seasons;
mod serve;
mod simulate;
mod sweep;
mod sweep_text;
mod table;
mod validate;
mod validation;

use clap::{Args, Parser, Subcommand, ValueEnum};
use corridor_model::diag::{Diagnostic, deny, printable, warning_text};
use corridor_model::network::{Mode, NodeKind};
use corridor_model::{DatasetInput, LoadErrors, Network, embedded, export, load_with_warnings};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code for invalid input data or arguments.
const EXIT_INVALID: u8 = 2;
/// Exit code when no route satisfies a request.
const EXIT_NO_ROUTE: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "corridor",
    version,
    about = "A digital twin of the China–Europe Middle Corridor and the routes it competes with",
    long_about = "Corridor models the Trans-Caspian International Transport Route (China → Kazakhstan → \
Caspian → Azerbaijan → Georgia → Türkiye/Black Sea → Europe) and its rivals: northern rail via \
Russia, southern rail via Iran, sea via Suez or the Cape.\n\nIt ships with a sourced default \
dataset; pass --data DIR to use your own (the same five files: dataset.toml, sources.csv, \
nodes.csv, links.csv, services.csv).",
    after_help = "Exit status: 0 on success; 2 for bad input (an invalid file, naming its file, line and field; an unreadable or unwritable path; a bad option); 3 when `route` finds no route; 1 only for an internal failure.\n\nExamples:\n  corridor compare --from Xian --to Duisburg --date 2026-03-03 --teu 2\n  corridor network validate\n  corridor network show --country AZ\n  corridor network export --format geojson --out corridor.geojson\n  corridor --data my-network network validate"
)]
struct Cli {
    /// Dataset directory to use instead of the embedded default dataset.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Treat warnings (legal but suspicious input, printed as `warning: FILE:LINE: …`) as
    /// errors: exit 2.
    #[arg(long, global = true)]
    deny_warnings: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Inspect, check and export the network.
    #[command(subcommand)]
    Network(NetworkCmd),
    /// Every Pareto-optimal route (time, cost, CO2e) for a shipment, ranked.
    #[command(
        allow_negative_numbers = true,
        after_help = "Exit status: 0 with routes, 2 for invalid input, 3 if no route exists under the constraints.\n\nExamples:\n  corridor route --from Xian --to Duisburg --date 2026-03-03 --feu 2\n  corridor route --from Xian --to Duisburg --date 2026-03-03 --avoid-country RU --prefer co2 --explain\n  corridor route --from Chongqing --to Budapest --date 2026-03-03 --via Alat --json"
    )]
    Route(routing::ShipmentArgs),
    /// The best route of each corridor side by side (Middle via BTK or the Black Sea, Northern, Southern, sea).
    #[command(
        allow_negative_numbers = true,
        after_help = "Exit status: 0, or 2 for invalid input. A corridor without a route says why (the\nconstraint that removed it, or the missing connection).\n\nExamples:\n  corridor compare --from Xian --to Duisburg --date 2026-03-03 --teu 2\n  corridor compare --from Shanghai --to Rotterdam --date 2026-03-03 --json\n  corridor compare --from Yiwu --to Tehran --date 2026-03-03 --avoid-country RU"
    )]
    Compare(routing::ShipmentArgs),
    /// Simulate a year of corridor operations (Monte Carlo): transit times, queues, bottlenecks.
    #[command(
        after_help = "Published demand sets (--demand NAME, embedded): published-2024 (the observed 2024 flows, the default), published-2030 (the published 2030 targets and forecasts). A value without `/` or `.` is a name; a path is read as a file.\n\nExit status: 0, 2 for invalid input (the message names the file, line and field).\n\nExamples:\n  corridor simulate --replications 20\n  corridor simulate --demand my-demand.csv --year 2025 --days 365 --seed 7 --json\n  corridor simulate --demand published-2030 --year 2030\n  corridor simulate --demand-factor 2.0 --csv > growth.csv"
    )]
    Simulate(simulate::SimArgs),
    /// The corridor over time: dated projects (which can slip), interventions, disruptions
    /// and demand growth, run year by year and compared.
    #[command(
        subcommand,
        after_help = "Examples:\n  corridor scenario list\n  corridor scenario compare baseline middle-corridor-2030\n  corridor scenario run red-sea-closure\n  corridor scenario timeline middle-corridor-2030\n  corridor scenario validate examples/scenarios/my-scenario.toml"
    )]
    Scenario(scenario::ScenarioCmd),
    /// The most the corridor can carry between groups of places and what binds (maximum
    /// flow, minimum cuts); `capacity saturation` gives the first year demand outgrows it.
    #[command(
        after_help = "Exit status: 0, or 2 for invalid input.\n\nExamples:\n  corridor capacity\n  corridor capacity --from CN --to EU --corridor middle_btk\n  corridor capacity --from KZ --to AZ,GE --cargo wagonload\n  corridor capacity --scenario middle-corridor-2030 --year 2030 --json\n  corridor capacity saturation --scenario middle-corridor-2030"
    )]
    Capacity(capacity::CapacityArgs),
    /// User-equilibrium assignment under congestion (path-based, to a stated relative gap),
    /// with select-link analysis; also on the field's TNTP networks.
    #[command(
        after_help = "Exit status: 0, or 2 for invalid input (a TNTP file's error names its line and field).\n\nExamples:\n  corridor assign\n  corridor assign --scenario middle-corridor-2030 --year 2030 --select-link L-KURYK-ALAT\n  corridor assign --tntp SiouxFalls_net.tntp SiouxFalls_trips.tntp --gap 1e-10 --out flows.tntp\n  corridor assign --tntp SiouxFalls_net.tntp SiouxFalls_trips.tntp --select-link 16"
    )]
    Assign(capacity::AssignArgs),
    /// Serve the HTTP API (network, routes, scenarios saved in SQLite, simulation and
    /// scenario jobs with progress, capacity) until Ctrl-C or SIGTERM.
    #[command(
        after_help = "Bound to loopback (the default) anyone on this machine may write; on any other address every\nwrite and job submission needs the access token from CORRIDOR_TOKEN or --token-file, sent as\n`Authorization: Bearer TOKEN`. The API is described at /api/openapi.json.\n\nExamples:\n  corridor serve\n  corridor serve --bind 127.0.0.1:9000 --db my-scenarios.db\n  CORRIDOR_TOKEN=$(cat secret) corridor serve --bind 0.0.0.0:8080"
    )]
    Serve(serve::ServeArgs),
    /// Many variants of a scenario (axes of parameters, full-factorial or Latin-hypercube)
    /// as work units, sharded over processes, a Slurm job array or a Kubernetes Indexed Job;
    /// results in Hive-partitioned Parquet, summarised per variant.
    #[command(
        subcommand,
        after_help = "Examples:\n  corridor sweep show examples/sweeps/red-sea-sweep.toml\n  corridor sweep run examples/sweeps/red-sea-sweep.toml --out results\n  corridor sweep summarize results\n  corridor sweep slurm my-sweep.toml --shards 20 --out /scratch/results > sweep.sbatch"
    )]
    Sweep(sweep::SweepCmd),
    /// A scenario run (and its comparison with another) as one self-contained HTML file
    /// (map, charts, tables, assumptions, sources), or Markdown with the SVGs beside it.
    #[command(
        after_help = "The HTML file has no script and refers to nothing outside itself: it opens offline, reads\nwithout JavaScript and prints on A4. An existing file is only replaced with --force.\n\nExamples:\n  corridor report --scenario middle-corridor-2030 -o report.html\n  corridor report --scenario middle-corridor-2030 --compare baseline -o compare.html\n  corridor report --scenario red-sea-closure --years 2026..2027 --format md -o red-sea.md"
    )]
    Report(report::ReportArgs),
    /// Corridor beside the published figures it is checked against (data/validation.csv and
    /// the calibration points of the 2024 run): each figure's source, Corridor's value, the
    /// difference and whether it lies in the published band.
    #[command(
        after_help = "Exit status: 0 when every `band` figure is in its band and every known gap still open, 1 otherwise.\n\nExamples:\n  corridor validation\n  corridor validation --markdown > docs/validation.md"
    )]
    Validation(validation::ValidationArgs),
}

#[derive(Subcommand, Debug)]
enum NetworkCmd {
    /// Check a dataset and report every problem with file, line and field.
    #[command(
        after_help = "Also checks what `simulate` reads beside the dataset (simulation.toml, calibration.csv,\ndemand.csv of the directory, else the embedded ones) and routes every demand row.\n\nExit status: 0 if valid, 2 if the dataset or those files have problems.\n\nExamples:\n  corridor network validate\n  corridor network validate my-network/"
    )]
    Validate {
        /// Dataset directory (default: --data, else the embedded dataset).
        dir: Option<PathBuf>,
    },
    /// Print the nodes (or links) as a table, optionally filtered.
    #[command(
        after_help = "Examples:\n  corridor network show --country AZ\n  corridor network show --kind seaport\n  corridor network show --links --mode caspian_ferry"
    )]
    Show(ShowArgs),
    /// Write the network as GeoJSON (for QGIS), JSON, or the dataset's CSV files.
    #[command(
        after_help = "GeoJSON and JSON go to standard output unless --out is given; CSV needs --out DIR and writes\nthe six dataset files there. An existing file or dataset is only replaced with --force, and\nnever in place: the new one is written beside it and renamed over it (a dataset directory is\nswapped whole, keeping its other files), so an interrupted export leaves the old or the new.\nA symbolic link, a device or a directory is never replaced.\n\nExamples:\n  corridor network export --format geojson --out corridor.geojson\n  corridor network export --format json | jq '.links | length'\n  corridor network export --format csv --out my-network"
    )]
    Export {
        /// Output format.
        #[arg(long, value_enum)]
        format: Format,
        /// Output file (json, geojson) or directory (csv).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Replace an existing file, or the dataset in an existing --out directory.
        #[arg(long)]
        force: bool,
    },
    /// List the sources behind the dataset's figures, with how many figures cite each.
    #[command(
        after_help = "Examples:\n  corridor network sources\n  corridor network sources --all --long"
    )]
    Sources {
        /// Also list sources that no figure cites.
        #[arg(long)]
        all: bool,
        /// Show the URL and the reasoning of estimates.
        #[arg(long)]
        long: bool,
    },
}

#[derive(Args, Debug)]
struct ShowArgs {
    /// Only nodes in (or links crossing) this country (ISO 3166-1 alpha-2, e.g. AZ).
    #[arg(long, value_name = "CODE")]
    country: Option<String>,
    /// Only nodes of this kind.
    #[arg(long, value_parser = node_kinds())]
    kind: Option<String>,
    /// Show links instead of nodes.
    #[arg(long)]
    links: bool,
    /// Only links of this mode (with --links).
    #[arg(long, value_parser = modes(), requires = "links")]
    mode: Option<String>,
}

fn node_kinds() -> clap::builder::PossibleValuesParser {
    NodeKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .into()
}

fn modes() -> clap::builder::PossibleValuesParser {
    Mode::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .into()
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// GeoJSON FeatureCollection: points for nodes, lines for links.
    Geojson,
    /// The whole network as one JSON document.
    Json,
    /// The dataset files (dataset.toml and four CSV tables), loadable with --data.
    Csv,
}

/// An error the CLI reports: what went wrong and the exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No route satisfies the request (exit 3).
    NoRoute(String),
    /// An input file is invalid (exit 2).
    Invalid(LoadErrors),
    /// A usage problem (exit 2).
    Usage(String),
    /// A path the user gave cannot be read or written (exit 2).
    Io(String),
    /// A failure of Corridor itself (exit 1).
    Internal(String),
}

/// The warnings of the user's files: printed on stderr, or with `--deny-warnings` an
/// error (exit 2).
pub(crate) fn warnings(ws: Vec<Diagnostic>, deny_warnings: bool) -> Result<(), Failure> {
    if deny_warnings {
        return deny(ws).map_err(Failure::Invalid);
    }
    eprint!("{}", warning_text(&ws));
    Ok(())
}

fn main() -> ExitCode {
    let cli: Cli = hints::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(e)) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_INVALID)
        }
        // Messages may echo a path or a value the user gave: never a raw control sequence.
        Err(Failure::Usage(m)) => {
            eprintln!("error: {}", printable(&m));
            ExitCode::from(EXIT_INVALID)
        }
        Err(Failure::NoRoute(m)) => {
            eprintln!("{}", printable(&m));
            ExitCode::from(EXIT_NO_ROUTE)
        }
        Err(Failure::Io(m)) => {
            eprintln!("error: {}", printable(&m));
            ExitCode::from(EXIT_INVALID)
        }
        Err(Failure::Internal(m)) => {
            eprintln!("error: {}", printable(&m));
            ExitCode::FAILURE
        }
    }
}

fn dataset(dir: Option<&Path>) -> Result<DatasetInput, Failure> {
    match dir {
        Some(d) if !d.is_dir() => Err(Failure::Usage(format!(
            "`{}` is not a directory",
            d.display()
        ))),
        Some(d) => Ok(DatasetInput::dir(d)),
        None => Ok(embedded::input()),
    }
}

fn load_network(dir: Option<&Path>, deny_warnings: bool) -> Result<Network, Failure> {
    let loaded = load_with_warnings(&dataset(dir)?).map_err(Failure::Invalid)?;
    warnings(loaded.warnings, deny_warnings)?;
    Ok(loaded.network)
}

/// Print to stdout; a closed pipe (e.g. `| head`) ends the program quietly.
fn emit(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Failure::Io(format!("cannot write to standard output: {e}"))),
    }
}

/// Stream to stdout through `write`; a closed pipe ends the program quietly.
fn emit_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Failure::Io(format!("cannot write to standard output: {e}"))),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let deny = cli.deny_warnings;
    match cli.command {
        Command::Route(a) => {
            let net = load_network(cli.data.as_deref(), deny)?;
            let seasons = seasons::seasons(&net, cli.data.as_deref())?;
            emit(&routing::route(&net, &a, &seasons, deny)?)
        }
        Command::Simulate(a) => {
            let net = std::sync::Arc::new(load_network(cli.data.as_deref(), deny)?);
            emit(&simulate::simulate(&net, cli.data.as_deref(), &a, deny)?)
        }
        Command::Validation(a) => {
            if cli.data.is_some() {
                return Err(Failure::Usage(
                    "`validation` checks the embedded dataset against the published figures; it takes no --data".into(),
                ));
            }
            let net = std::sync::Arc::new(load_network(None, deny)?);
            emit(&validation::command(&net, &a)?)
        }
        Command::Compare(a) => {
            let net = load_network(cli.data.as_deref(), deny)?;
            let seasons = seasons::seasons(&net, cli.data.as_deref())?;
            emit(&routing::compare(&net, &a, &seasons, deny)?)
        }
        Command::Capacity(a) => {
            let net = std::sync::Arc::new(load_network(cli.data.as_deref(), deny)?);
            emit(&capacity::capacity_command(
                a,
                net,
                cli.data.as_deref(),
                deny,
            )?)
        }
        Command::Assign(a) => {
            let net = std::sync::Arc::new(load_network(cli.data.as_deref(), deny)?);
            emit(&capacity::assign_command(
                a,
                net,
                cli.data.as_deref(),
                deny,
            )?)
        }
        Command::Serve(a) => serve::serve(a, cli.data.as_deref()),
        Command::Sweep(cmd) => {
            let net = std::sync::Arc::new(load_network(cli.data.as_deref(), deny)?);
            emit(&sweep::command(cmd, net, cli.data.as_deref(), deny)?)
        }
        Command::Report(a) => {
            let net = std::sync::Arc::new(load_network(cli.data.as_deref(), deny)?);
            emit(&report::report(a, net, cli.data.as_deref(), deny)?)
        }
        Command::Scenario(cmd) => {
            let net = std::sync::Arc::new(load_network(cli.data.as_deref(), deny)?);
            emit(&scenario::command(cmd, net, cli.data.as_deref(), deny)?)
        }
        Command::Network(cmd) => match cmd {
            NetworkCmd::Validate { dir } => {
                let dir = dir.or(cli.data);
                let input = dataset(dir.as_deref())?;
                let loaded = load_with_warnings(&input).map_err(Failure::Invalid)?;
                let n_warn = loaded.warnings.len();
                warnings(loaded.warnings, deny)?;
                let net = std::sync::Arc::new(loaded.network);
                let inputs = validate::simulation_inputs(&net, dir.as_deref(), deny)?;
                emit(&format!(
                    "{}: valid — {} nodes, {} links, {} services, {} dated tariffs, {} sources; all {} origins reach all {} destinations{}\n{inputs}\n",
                    input.label,
                    net.nodes.len(),
                    net.links.len(),
                    net.services.len(),
                    net.tariffs.len(),
                    net.sources.len(),
                    net.meta.origins.len(),
                    net.meta.destinations.len(),
                    match n_warn {
                        0 => String::new(),
                        1 => "; 1 warning".into(),
                        n => format!("; {n} warnings"),
                    }
                ))
            }
            NetworkCmd::Show(args) => {
                let net = load_network(cli.data.as_deref(), deny)?;
                emit(&table::show(&net, &args.into_filter()?))
            }
            NetworkCmd::Export { format, out, force } => {
                let net = load_network(cli.data.as_deref(), deny)?;
                export_network(&net, format, out.as_deref(), force)
            }
            NetworkCmd::Sources { all, long } => {
                let net = load_network(cli.data.as_deref(), deny)?;
                emit(&table::sources(&net, all, long))
            }
        },
    }
}

impl ShowArgs {
    fn into_filter(self) -> Result<table::Filter, Failure> {
        let country = match self.country {
            Some(c) => Some(
                corridor_model::network::Country::parse(&c.to_uppercase()).ok_or_else(|| {
                    Failure::Usage(format!(
                        "`{c}` is not an ISO 3166-1 alpha-2 country code (e.g. KZ, AZ, GE)"
                    ))
                })?,
            ),
            None => None,
        };
        Ok(table::Filter {
            country,
            kind: self.kind.as_deref().and_then(NodeKind::parse),
            links: self.links,
            mode: self.mode.as_deref().and_then(Mode::parse),
        })
    }
}

fn export_network(
    net: &Network,
    format: Format,
    out: Option<&Path>,
    force: bool,
) -> Result<(), Failure> {
    match format {
        Format::Geojson | Format::Json => {
            let write = |w: &mut dyn Write| match format {
                Format::Geojson => export::write_geojson(net, w),
                _ => export::write_json(net, w),
            };
            match out {
                Some(p) => output::write_file(p, force, write),
                None => emit_with(write),
            }
        }
        Format::Csv => {
            let dir = out.ok_or_else(|| {
                Failure::Usage(
                    "--format csv writes six files: give a directory with --out DIR".into(),
                )
            })?;
            output::write_dataset(dir, force, &corridor_model::load::FILES, |i, w| {
                export::write_dataset_file(net, i, w)
            })?;
            eprintln!(
                "wrote {} files to {}",
                corridor_model::load::FILES.len(),
                dir.display()
            );
            Ok(())
        }
    }
}
