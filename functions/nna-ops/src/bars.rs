//! Progress bars on the terminal: count, rate and ETA; nothing when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};
use nna_operations::progress::Progress;
use std::sync::Mutex;

#[derive(Default)]
pub struct Bars(Mutex<Option<ProgressBar>>);

fn style(known_total: bool) -> ProgressStyle {
    let template = if known_total {
        "{msg:>20} [{bar:40}] {human_pos}/{human_len} {per_sec} ETA {eta}"
    } else {
        "{msg:>20} {spinner} {human_pos} {per_sec}"
    };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()).progress_chars("=> ")
}

impl Progress for Bars {
    fn begin(&self, task: &str, total: Option<u64>) {
        let bar = total.map_or_else(ProgressBar::no_length, ProgressBar::new).with_style(style(total.is_some()));
        bar.set_message(task.to_owned());
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(bar);
    }

    fn advance(&self, items: u64) {
        if let Some(bar) = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
            bar.inc(items);
        }
    }

    fn end(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            bar.finish();
        }
    }
}
