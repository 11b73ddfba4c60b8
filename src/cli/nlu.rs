//! `paydesk classify` and `paydesk train`: the classifier on its own, without a store.

use anyhow::{Context, Result};
use paydesk::config::Config;
use paydesk::nlu::Classifier;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ClassifyArgs {
    /// Default currency for ambiguous symbols such as `$`.
    #[arg(long)]
    currency: Option<String>,
    /// The configuration file (for chat.default_currency).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Evaluate a labelled JSON Lines file instead (text, intent, entities).
    #[arg(long)]
    eval: Option<PathBuf>,
    /// Use these weights (written by `paydesk train`) instead of the embedded ones.
    #[arg(long)]
    model: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct TrainArgs {
    #[arg(long, default_value = "data/nlu/train.jsonl")]
    data: PathBuf,
    #[arg(long, default_value = "data/nlu/model.bin")]
    out: PathBuf,
    /// Folds of the cross-validation that is reported.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Passes over the corpus (default: the committed model's).
    #[arg(long)]
    epochs: Option<usize>,
    /// L2 penalty (default: the committed model's).
    #[arg(long)]
    l2: Option<f32>,
    /// Chance that each rule or language feature is left out of a training step, 0 to 1
    /// (default: the committed model's).
    #[arg(long, value_parser = parse_dropout)]
    rule_dropout: Option<f32>,
    /// Choose epochs and L2 by cross-validation over a small grid (`model::TrainConfig::grid`).
    #[arg(long)]
    grid: bool,
}

/// `paydesk classify`: one JSON object per stdin line, or `--eval` of a labelled file.
pub fn classify(args: ClassifyArgs) -> Result<ExitCode> {
    let cfg = Config::load(args.config.as_deref())?;
    let cur = match args.currency {
        Some(c) => paydesk::domain::money::Currency::from_code(&c)
            .with_context(|| format!("--currency: unknown currency `{c}`"))?,
        None => cfg.engine.default_currency,
    };
    let loaded;
    let classifier = match args.model {
        Some(p) => {
            let bytes = std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
            let m = paydesk::nlu::model::Model::from_bytes(&bytes)
                .with_context(|| format!("{} is not a paydesk model file", p.display()))?;
            loaded = Classifier::with_model(Some(m));
            &loaded
        }
        None => paydesk::nlu::classifier(),
    };
    if let Some(path) = args.eval {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let report = paydesk::nlu::eval::evaluate(&text, classifier, cur.code());
        let mut out = super::output::stdout();
        out.write_all(report.details().as_bytes())?;
        if classifier.has_model() {
            let rules = paydesk::nlu::eval::evaluate(&text, &Classifier::rules_only(), cur.code());
            writeln!(
                out,
                "rules alone: intent_accuracy={:.4} macro_f1={:.4}",
                rules.intent_accuracy(),
                rules.macro_f1()
            )?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    classify_lines(classifier, cur.code())?;
    Ok(ExitCode::SUCCESS)
}

/// Each stdin line classified as one JSON line on stdout (a line that is not UTF-8 is `other`).
fn classify_lines(classifier: &Classifier, currency: &str) -> Result<()> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = super::output::stdout();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let json = match std::str::from_utf8(line) {
            Ok(text) => classification_json(classifier.classify(text, currency)),
            Err(_) => serde_json::json!({"intent": "other", "confidence": 1.0, "entities": {}}),
        };
        serde_json::to_writer(&mut out, &json)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn classification_json(c: paydesk::nlu::Classification) -> serde_json::Value {
    let entities: serde_json::Map<String, serde_json::Value> =
        c.entities.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string()))).collect();
    let confidence = (f64::from(c.confidence.clamp(0.0, 1.0)) * 1000.0).round() / 1000.0;
    serde_json::json!({"intent": c.intent.as_str(), "confidence": confidence, "entities": entities})
}

fn parse_dropout(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(p) if (0.0..1.0).contains(&p) => Ok(p),
        _ => Err(format!("{s:?} is not a chance from 0 up to (not including) 1")),
    }
}

/// `paydesk train`: cross-validated training on a labelled corpus; the weights written to `--out`.
pub fn train(args: TrainArgs) -> Result<ExitCode> {
    let TrainArgs { data, out, folds, epochs, l2, rule_dropout, grid } = args;
    let text = std::fs::read_to_string(&data).with_context(|| format!("cannot read {}", data.display()))?;
    let (labelled, bad) = paydesk::nlu::eval::read_labelled(&text);
    if let Some((line, why)) = bad.first() {
        anyhow::bail!("{}: line {line}: {why}", data.display());
    }
    let mut cfg = paydesk::nlu::model::TrainConfig::default();
    cfg.epochs = epochs.unwrap_or(cfg.epochs);
    cfg.l2 = l2.unwrap_or(cfg.l2);
    cfg.rule_dropout = rule_dropout.unwrap_or(cfg.rule_dropout);
    let configs = if grid { paydesk::nlu::model::TrainConfig::grid(&cfg) } else { vec![cfg] };
    let (model, report) = paydesk::nlu::train_model(&labelled, folds.max(2), &configs);
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!("{}", report.summary());
    println!("wrote {} ({} bytes); rebuild to embed it", out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}
