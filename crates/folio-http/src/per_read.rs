//! An answer built once per read of the data it shows, not once per request.
//!
//! The project list reaches a handler as an `Arc`: every request that shares one database read
//! (the store coalesces concurrent reads) or one entry of the site's cache holds the very same
//! allocation. What a handler builds from it (the JSON of `GET /api/projects`, the HTML of
//! `/projects`) is therefore the same bytes for all of them, and [`PerRead`] keeps the last one
//! built with the read it came from. A request holding a newer read builds anew, so an answer
//! is exactly as fresh as the read the store gave it: the shared reads' promise (no answer
//! predates a write the client saw acknowledged) is theirs, untouched.
//!
//! Hand-built rather than a cache crate: the key is the identity of one allocation, and the
//! whole state is the last one. The kept `Weak` holds that allocation (not its contents) alive,
//! so its address cannot be taken by a later read while it is compared against.

use std::sync::{Arc, Mutex, Weak};

/// The last value built from a read of `S`, and that read.
#[derive(Debug)]
pub struct PerRead<S, T> {
    last: Mutex<Option<(Weak<S>, T)>>,
}

impl<S, T> Default for PerRead<S, T> {
    fn default() -> Self {
        Self { last: Mutex::new(None) }
    }
}

impl<S, T: Clone> PerRead<S, T> {
    /// The value built from `read`: kept from an earlier call with the same read, or `build`
    /// run now (outside the lock) and kept for the next.
    pub fn get(&self, read: &Arc<S>, build: impl FnOnce(&S) -> T) -> T {
        if let Some((source, value)) = &*self.last.lock().expect("lock")
            && std::ptr::eq(source.as_ptr(), Arc::as_ptr(read))
        {
            return value.clone();
        }
        let value = build(read);
        *self.last.lock().expect("lock") = Some((Arc::downgrade(read), value.clone()));
        value
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn one_build_per_read_and_a_new_read_builds_anew() {
        let memo = PerRead::<Vec<u32>, String>::default();
        let builds = Cell::new(0);
        let build = |list: &Vec<u32>| {
            builds.set(builds.get() + 1);
            format!("{list:?}")
        };
        let first = Arc::new(vec![1]);
        assert_eq!(memo.get(&first, build), "[1]");
        assert_eq!(memo.get(&Arc::clone(&first), build), "[1]");
        assert_eq!(builds.get(), 1, "the same read is built once");
        // Equal contents, another read: built again (reads are compared, not their contents).
        drop(first);
        let second = Arc::new(vec![2]);
        assert_eq!(memo.get(&second, build), "[2]");
        assert_eq!(builds.get(), 2);
    }
}
