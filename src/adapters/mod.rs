//! Adapters: the outside world behind the ports. Nothing in `domain` or `app` imports
//! from here.

pub mod http;
pub mod payments;
pub mod report_html;
pub mod store;
pub mod surfaces;
