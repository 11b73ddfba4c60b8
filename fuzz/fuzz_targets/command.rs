//! The command grammar (`app::command::parse`): never panics; every command it reads
//! prints back to text that reads as the same command; amounts in it are positive,
//! within the bot's maximum and no finer than the store keeps.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paydesk::app::command::{parse, Command};
use paydesk::domain::money::{MAX_AMOUNT, STORE_SCALE};
use rust_decimal::Decimal;

fn check_amount(v: Decimal) {
    assert!(v > Decimal::ZERO && v <= Decimal::from(MAX_AMOUNT), "amount {v} out of range");
    assert!(v.scale() <= STORE_SCALE, "amount {v} finer than the store keeps");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse(text) {
        Ok(None) => assert!(!paydesk::app::command::is_command(text)),
        Ok(Some(cmd)) => {
            match &cmd {
                Command::Refund { amount: Some((v, _)), .. } | Command::WalletCredit { amount: (v, _), .. } => check_amount(*v),
                _ => {}
            }
            let printed = paydesk_fuzz::print_command(&cmd);
            match parse(&printed) {
                Ok(Some(again)) => assert_eq!(again, cmd, "{text:?} printed as {printed:?} reads differently"),
                other => panic!("{text:?} read as {cmd:?}, printed as {printed:?}, which reads as {other:?}"),
            }
        }
        Err(e) => {
            assert!(!e.message.is_empty() && !e.usage.is_empty());
            assert!(e.message.chars().count() <= 200, "an error message echoes unbounded input: {}", e.message.len());
        }
    }
});
