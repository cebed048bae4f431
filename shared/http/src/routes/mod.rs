//! Route tables. Each group is its own router so a Lambda function can serve just its part.

mod assets;
mod batch;
mod health;
mod taxonomy;

pub use assets::routes as assets;
pub use health::routes as health;
pub use taxonomy::routes as taxonomy;
