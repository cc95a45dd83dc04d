//! The owner's images, for both databases: the SQL (which differs only in placeholders and the
//! name of the byte-length function) and the grouping of joined rows into images.

use folio_core::{FileName, ImageChoice, Media, MediaFile, ProjectImage, StoreError, Timestamp};
use uuid::Uuid;

/// The SQL of one backend.
pub(crate) struct Statements {
    /// id, width, height, created_at.
    pub(crate) insert: &'static str,
    /// media_id, name, content_type, width, height, bytes.
    pub(crate) insert_file: &'static str,
    /// Every image joined with its files, newest image first: the columns [`Joined`] reads.
    pub(crate) list: &'static str,
    /// The same for one image (id).
    pub(crate) get: &'static str,
    /// The bytes of one file (media_id, name); its name says its type.
    pub(crate) file: &'static str,
    /// One image (id); its files go with it (`ON DELETE CASCADE`).
    pub(crate) delete: &'static str,
    /// The name, width and height of one image's (id) fallback: what a project showing it keeps.
    pub(crate) fallback: &'static str,
    /// The title of a project showing one image (id), if any.
    pub(crate) shown_by: &'static str,
}

/// Every image joined with its files: the columns [`Joined`] reads.
macro_rules! joined {
    ($length:literal) => {
        concat!(
            "SELECT m.id, m.width, m.height, m.created_at, f.name, f.width, f.height, ",
            $length,
            "(f.bytes) FROM media m JOIN media_files f ON f.media_id = m.id"
        )
    };
}

macro_rules! statements {
    // The placeholders of one backend: four values, six values, then the first and second.
    ($four:literal, $six:literal, $p1:literal, $p2:literal, $length:literal) => {
        Statements {
            insert: concat!("INSERT INTO media (id, width, height, created_at) VALUES (", $four, ")"),
            insert_file: concat!(
                "INSERT INTO media_files (media_id, name, content_type, width, height, bytes) VALUES (",
                $six,
                ")"
            ),
            list: concat!(joined!($length), " ORDER BY m.created_at DESC, m.id"),
            get: concat!(joined!($length), " WHERE m.id = ", $p1),
            file: concat!("SELECT bytes FROM media_files WHERE media_id = ", $p1, " AND name = ", $p2),
            delete: concat!("DELETE FROM media WHERE id = ", $p1),
            fallback: concat!(
                "SELECT name, width, height FROM media_files WHERE media_id = ",
                $p1,
                " AND name IN ('fallback.jpg', 'fallback.png')"
            ),
            shown_by: concat!(r#"SELECT title FROM projects WHERE "imageId" = "#, $p1, " ORDER BY title LIMIT 1"),
        }
    };
}

pub(crate) const POSTGRES: Statements =
    statements!("$1, $2, $3, $4", "$1, $2, $3, $4, $5, $6", "$1", "$2", "octet_length");
pub(crate) const SQLITE: Statements = statements!("?1, ?2, ?3, ?4", "?1, ?2, ?3, ?4, ?5, ?6", "?1", "?2", "length");

/// One row of [`Statements::list`]: the image's id, width, height and time, then one file's
/// name, width, height and size.
pub(crate) type Joined = (Uuid, u32, u32, Timestamp, String, u32, u32, u64);

/// The images the rows describe, in the rows' order of images, each with its files in
/// [`Media::files`]'s order. A stored name this release does not know fails the read.
pub(crate) fn group(rows: Vec<Joined>) -> Result<Vec<Media>, StoreError> {
    let mut images: Vec<Media> = Vec::new();
    for (id, width, height, created_at, name, file_width, file_height, size) in rows {
        let name = FileName::parse(&name)
            .ok_or_else(|| StoreError::Query(format!("image {id} has a file named {name:?}, unknown here").into()))?;
        let file = MediaFile { name, width: file_width, height: file_height, size };
        match images.last_mut() {
            Some(last) if last.id == id => last.files.push(file),
            _ => images.push(Media { id, width, height, created_at, files: vec![file] }),
        }
    }
    for image in &mut images {
        image.files.sort_by_key(|f| order(f.name));
    }
    Ok(images)
}

/// Where a file comes in an image's list: the master, the variants by width, the fallback.
fn order(name: FileName) -> (u8, u32) {
    match name {
        FileName::Master(_) => (0, 0),
        FileName::Webp(width) => (1, width),
        FileName::Fallback(_) => (2, 0),
    }
}

/// The image of a read that selects one, if any.
pub(crate) fn one(rows: Vec<Joined>) -> Result<Option<Media>, StoreError> {
    Ok(group(rows)?.pop())
}

/// The photo `choice` names, from its fallback's row (`found`, by [`Statements::fallback`]);
/// refused, saying so, when no such image is stored.
pub(crate) fn photo(choice: &ImageChoice, found: Option<(String, u32, u32)>) -> Result<ProjectImage, StoreError> {
    let fallback = found.and_then(|(name, width, height)| Some((FileName::parse(&name)?, width, height)));
    let Some((name, width, height)) = fallback else {
        return Err(StoreError::Refused(format!(
            "image.id {} names no stored image: upload it first (POST /api/media)",
            choice.id
        )));
    };
    Ok(ProjectImage { id: choice.id, alt: choice.alt.as_str().to_owned(), width, height, fallback: name.format() })
}

/// Why an image a project shows (the one titled `title`) is not deleted.
pub(crate) fn shown_by(title: &str) -> StoreError {
    StoreError::Refused(format!(
        "the image is shown by the project {title:?}: give that project another photo, or none, first"
    ))
}

/// What a foreign key's refusal means here: a project and its photo disagree, after a race
/// (the checks before each write say which, when there was none).
pub(crate) const DANGLING_PHOTO: &str =
    "a project cannot show an image that is not stored, and an image a project shows cannot be deleted";

/// A stored dimension as the database's integer.
pub(crate) fn dimension(value: u32) -> i32 {
    i32::try_from(value).expect("image dimensions are bounded far below i32::MAX")
}
