//! The site content's one row, for both databases: the SQL (which differs only in
//! placeholders) and the document's encoding, JSON as the API gives it.

use folio_core::{SiteContent, StoreError};

/// The SQL of one backend, each statement with the document then the time as parameters.
pub(crate) struct Statements {
    pub(crate) select: &'static str,
    /// Inserts the row unless it exists: one row affected when it was stored.
    pub(crate) seed: &'static str,
    pub(crate) put: &'static str,
}

macro_rules! statements {
    ($document:literal, $at:literal) => {
        Statements {
            select: "SELECT document FROM site_content WHERE id = 1",
            seed: concat!(
                "INSERT INTO site_content (id, document, updated_at) VALUES (1, ",
                $document,
                ", ",
                $at,
                ") ON CONFLICT (id) DO NOTHING"
            ),
            put: concat!(
                "INSERT INTO site_content (id, document, updated_at) VALUES (1, ",
                $document,
                ", ",
                $at,
                ") ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at"
            ),
        }
    };
}

pub(crate) const POSTGRES: Statements = statements!("$1", "$2");
pub(crate) const SQLITE: Statements = statements!("?1", "?2");

/// The stored text of `content`.
pub(crate) fn encode(content: &SiteContent) -> String {
    serde_json::to_string(content).expect("site content always serialises")
}

/// The content a stored text holds. Fields it does not know (written by a newer release) are
/// skipped; a text that is not a document at all is a failed query.
pub(crate) fn decode(text: &str) -> Result<SiteContent, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Query(format!("the stored site content cannot be read: {e}").into()))
}
