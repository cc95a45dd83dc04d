//! What the unit tests share: the text a registry renders, checked line by line.

use prometheus::Registry;

/// Renders `registry` and fails, showing the whole text, unless it contains every needle.
pub(crate) fn assert_renders(registry: &Registry, needles: &[&str]) {
    let text = super::render_registry(registry);
    for needle in needles {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}
