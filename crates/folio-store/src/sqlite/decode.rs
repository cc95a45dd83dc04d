//! Reading SQLite's text columns into typed values (ids, timestamps and tags are stored as text).

use rusqlite::Row;
use rusqlite::types::Type;

/// Reads a text column and parses it, reporting a bad value as a conversion failure.
pub(crate) fn parse<T, E>(row: &Row<'_>, index: usize, parse: impl FnOnce(&str) -> Result<T, E>) -> rusqlite::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(index)?;
    parse(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

/// Like [`parse`], for a column that may be NULL.
pub(crate) fn parse_optional<T, E>(
    row: &Row<'_>,
    index: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<Option<T>>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let text: Option<String> = row.get(index)?;
    text.map(|t| parse(&t).map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e))))
        .transpose()
}
