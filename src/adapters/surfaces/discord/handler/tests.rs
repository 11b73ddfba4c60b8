//! Unit tests of the reaction reading.

use super::*;
use serenity::all::EmojiId;

#[test]
fn votes_match_without_variation_selector_or_skin_tone_and_custom_emoji_by_id() {
    let cfg = ["✔️".to_string(), "👍".to_string(), "<:approve:123456789012345678>".to_string()];
    let v = |e: ReactionType| vote_emoji(cfg.iter(), &e);
    assert_eq!(v(ReactionType::Unicode("✔".into())).as_deref(), Some("✔️"));
    assert_eq!(v(ReactionType::Unicode("✔️".into())).as_deref(), Some("✔️"));
    assert_eq!(v(ReactionType::Unicode("👍🏽".into())).as_deref(), Some("👍"));
    assert_eq!(v(ReactionType::Unicode("👎".into())), None);
    let custom =
        |id: u64, name: &str| ReactionType::Custom { animated: false, id: EmojiId::new(id), name: Some(name.into()) };
    assert_eq!(v(custom(123456789012345678, "renamed")).as_deref(), Some("<:approve:123456789012345678>"));
    assert_eq!(v(custom(999, "approve")), None, "a custom emoji with the same name but another id is no vote");
}
