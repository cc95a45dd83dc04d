//! Where in `site.toml` a value sits, so an error names the right line (the second link's, not
//! the first's).

use folio_core::domain::site_content::Step;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The 1-based line where the value at `path` is written in `text` (keys as the API spells
/// them; the file may spell them in snake case).
pub fn line(text: &str, path: &[Step]) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let (Step::Key(first), rest) = path.split_first()? else {
        return None;
    };
    let span = find(entry(root.get_ref(), first)?, rest)?;
    Some(super::line_of(text, span))
}

/// `ctaTitle` as the content files write it: `cta_title`.
pub fn snake_case(key: &str) -> String {
    let mut snake = String::with_capacity(key.len() + 2);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    snake
}

fn entry<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    let snake = snake_case(key);
    table.iter().find(|(k, _)| *k.get_ref() == key || *k.get_ref() == snake).map(|(_, v)| v)
}

/// Where the value under `value` at `path` starts.
fn find(value: &Spanned<DeValue<'_>>, path: &[Step]) -> Option<usize> {
    let Some((step, rest)) = path.split_first() else {
        return Some(value.span().start);
    };
    let child = match (step, value.get_ref()) {
        (Step::Key(key), DeValue::Table(table)) => entry(table, key)?,
        (Step::Index(index), DeValue::Array(items)) => items.get(*index)?,
        _ => return None,
    };
    find(child, rest)
}
