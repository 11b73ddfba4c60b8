//! The subcommands: their arguments (clap) and one function per subcommand, grouped by what
//! they work on. Each builds what it needs through [`paydesk::wiring`].

pub mod bench;
pub mod billing;
pub mod chat;
pub mod check_config;
pub mod nlu;
pub mod output;
pub mod run;
pub mod store;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "paydesk",
    version,
    about = "A chat-ops bot for payment support: cases, refund eligibility, lead approvals, exactly-once refunds"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Chat with the bot in the terminal (SQLite with demo data by default).
    Console(chat::ConsoleArgs),
    /// Replay a transcript (JSON Lines, `-` for stdin) and print the bot's actions.
    Replay(chat::ReplayArgs),
    /// Classify messages from stdin, one JSON object per line.
    Classify(nlu::ClassifyArgs),
    /// Train the classifier's model from a labelled corpus (JSON Lines: text, intent, lang)
    /// and write its weights (embedded in the binary at the next build).
    Train(nlu::TrainArgs),
    /// Apply the database migrations and say which versions were applied.
    Migrate(store::MigrateArgs),
    /// Validate the configuration and print the effective configuration as TOML
    /// (secrets hidden, the store URL's password masked).
    CheckConfig(check_config::CheckConfigArgs),
    /// Print the audit trail of a case (or all), and verify its hash chain.
    Audit(store::AuditArgs),
    /// Print what waits for staff, oldest first: refunds waiting for a lead, open cases.
    Queue(ExistingStoreArgs),
    /// The leads' report: refunds by rule, provider and day, approval latency, refusals,
    /// contact reasons, open cases by age. A short text summary unless --html or --json.
    Report(store::ReportArgs),
    /// Print a shell completion script: `paydesk completions bash > /etc/bash_completion.d/paydesk`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Import billing data from a provider export: `import charges FILE` (CSV or JSON).
    Import {
        #[command(subcommand)]
        what: billing::ImportCmd,
    },
    /// Compare a provider's refund export with the refunds recorded here; open a case
    /// for each mismatch.
    Reconcile(billing::ReconcileArgs),
    /// Run the bot on Discord (token from PAYDESK_DISCORD_TOKEN only), with the HTTP
    /// listener (`/healthz`, `/readyz`, `/metrics`, provider webhooks) if `[http] listen` is set.
    Run(run::RunArgs),
    /// Measure everything in one go (a table, or `--json`), each figure next to its floor
    /// measured in the same run; or only `classify` (messages/s) or `replay` (events/s).
    Bench(bench::BenchArgs),
    /// Write a realistic, deterministic transcript of N events (JSON Lines) to stdout.
    GenTranscript(bench::GenTranscriptArgs),
}

// The configuration file and a store that must exist (`queue`).
#[derive(clap::Args)]
pub struct ExistingStoreArgs {
    /// The configuration file (for store.url).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Database URL of an existing store (default from config).
    #[arg(long)]
    pub db: Option<String>,
}

/// `paydesk completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "paydesk", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// A refusal of the user's input: the message on stderr, exit code 2.
pub fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("paydesk: {message}");
    ExitCode::from(2)
}
