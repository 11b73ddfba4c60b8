//! The `paydesk` command line: the edge of the program, where errors become messages
//! and exit codes. It parses the arguments and hands each subcommand to its function in
//! [`cli`]; the app itself is built by [`paydesk::wiring`].

mod cli;

use clap::Parser;
use cli::{Cli, Cmd};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("paydesk: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(dispatch(cli.command)) {
        // The reader of standard output went away (`| head`): nothing to report.
        _ if cli::output::closed() => ExitCode::from(cli::output::BROKEN_PIPE_EXIT),
        Ok(code) => code,
        Err(e) => {
            eprintln!("paydesk: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// Each subcommand to its function.
async fn dispatch(command: Cmd) -> anyhow::Result<ExitCode> {
    match command {
        Cmd::Console(args) => cli::chat::console(args).await,
        Cmd::Replay(args) => cli::chat::replay(args).await,
        Cmd::Classify(args) => cli::nlu::classify(args),
        Cmd::Train(args) => cli::nlu::train(args),
        Cmd::Migrate(args) => cli::store::migrate(args).await,
        Cmd::CheckConfig(args) => Ok(cli::check_config::check_config(args)),
        Cmd::Audit(args) => cli::store::audit(args).await,
        Cmd::Queue(args) => cli::store::queue(args).await,
        Cmd::Report(args) => cli::store::report(args).await,
        Cmd::Completions { shell } => Ok(cli::completions(shell)),
        Cmd::Import { what } => cli::billing::import(what).await,
        Cmd::Reconcile(args) => cli::billing::reconcile(args).await,
        Cmd::Run(args) => cli::run::run(args).await,
        Cmd::Bench(args) => cli::bench::bench(args).await,
        Cmd::GenTranscript(args) => cli::bench::gen_transcript(args),
    }
}

/// An error and its causes on one line, "what: why: why", leaving out a cause whose words the
/// message before it already says (errors that print their source in their own message).
fn describe(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::describe;
    use paydesk::app::ports::StoreError;

    #[test]
    fn an_error_is_described_with_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let store = StoreError::Failed { what: "cannot connect to PostgreSQL", source: Box::new(io) };
        let e = anyhow::Error::new(store).context("cannot open the store postgres://bot:***@db/x");
        assert_eq!(
            describe(&e),
            "cannot open the store postgres://bot:***@db/x: cannot connect to PostgreSQL: connection refused"
        );
        // The cause is kept as a source, not only as words.
        assert!(e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some()));
    }
}
