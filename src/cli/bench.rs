//! `paydesk bench` and `paydesk gen-transcript`: measurements and their generated load.

use anyhow::Result;
use paydesk::bench::{AllOptions, Bench};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: Option<BenchCmd>,
    /// Events replayed for throughput.
    #[arg(long, default_value_t = 2000)]
    events: usize,
    /// Bare commits per floor.
    #[arg(long, default_value_t = 1000)]
    bare: usize,
    /// Events for peak memory.
    #[arg(long, default_value_t = 10000)]
    memory_events: usize,
    /// Events sent at 100/s (latency).
    #[arg(long, default_value_t = 1000)]
    latency_events: usize,
    /// Seed of the generated load.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// PostgreSQL to measure too.
    #[arg(long)]
    db: Option<String>,
    /// Only these parts: classify,sqlite,start,scale,postgres
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    // Case numbers end at RF-999999: the largest store leaves room for the load's cases.
    /// Existing cases for each scale replay
    #[arg(long, value_delimiter = ',', default_values_t = [10_000u32, 990_000])]
    scale_cases: Vec<u32>,
}

#[derive(clap::Subcommand)]
enum BenchCmd {
    /// Classify a corpus repeatedly on one thread.
    Classify {
        /// JSON Lines (`text` fields) or plain text; default: the bundled examples.
        #[arg(long)]
        file: Option<PathBuf>,
        /// How many times the corpus is classified.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Replay a generated conversation of N events through a durable SQLite file.
    Replay {
        /// How many events to generate.
        #[arg(long, default_value_t = 2000)]
        events: usize,
        /// Database URL (default: a temporary SQLite file).
        #[arg(long)]
        db: Option<String>,
    },
}

#[derive(clap::Args)]
pub struct GenTranscriptArgs {
    /// How many events to write (fixtures come first and are not counted).
    #[arg(long)]
    events: usize,
    /// The same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// `paydesk bench [classify|replay]`.
pub async fn bench(args: BenchArgs) -> Result<ExitCode> {
    let BenchArgs { what, events, bare, memory_events, latency_events, seed, json, db, only, scale_cases } = args;
    let b = match what {
        Some(BenchCmd::Classify { file, rounds }) => Bench::Classify { file, rounds },
        Some(BenchCmd::Replay { events, db }) => Bench::Replay { events, db },
        None => {
            Bench::All(AllOptions { events, bare, memory_events, latency_events, seed, json, db, only, scale_cases })
        }
    };
    let report = paydesk::bench::run(b).await?;
    let mut out = super::output::stdout();
    out.write_all(report.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `paydesk gen-transcript`: a deterministic transcript on stdout.
pub fn gen_transcript(args: GenTranscriptArgs) -> Result<ExitCode> {
    let mut out = super::output::stdout();
    paydesk::app::loadgen::generate(args.events, args.seed, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
