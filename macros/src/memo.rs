//! The models `#[migration]` built, kept for the set in the same compiler
//! run: rustc expands a crate's attribute macros before the `migrations!`
//! call that lists them, in one process that keeps this crate loaded, so
//! the set need not parse each module again.
//!
//! An entry is keyed by the file (canonical path) and the module's name,
//! and holds a hash of the file's bytes when the attribute ran: the set
//! takes it only if the file it reads hashes the same, and parses the
//! module otherwise (a cache that misses costs time, never a wrong model;
//! the set's compile-time guard compares every model with the module's
//! `__GODWIT_MODEL` besides). Two modules of one name in one file, with
//! different models, are left to parsing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use godwit_core::Migration;

enum Entry {
    Model {
        file_hash: u64,
        model: Box<Migration>,
    },
    Ambiguous {
        file_hash: u64,
    },
}

static MODELS: Mutex<Option<HashMap<(PathBuf, String), Entry>>> = Mutex::new(None);

/// FNV-1a of a file's bytes: stable, and cheap enough to run on every file
/// of a long history.
pub fn file_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Records the model of module `ident` in `file`, as the file is now.
pub fn record(file: &Path, ident: &str, model: &Migration) {
    let Ok(path) = file.canonicalize() else {
        return;
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    let file_hash = file_hash(&bytes);
    let mut guard = MODELS.lock().unwrap_or_else(PoisonError::into_inner);
    let map = guard.get_or_insert_with(HashMap::new);
    let key = (path, ident.to_string());
    let entry = match map.remove(&key) {
        Some(Entry::Model {
            file_hash: h,
            model: m,
        }) if h == file_hash && *m != *model => Entry::Ambiguous { file_hash },
        Some(Entry::Ambiguous { file_hash: h }) if h == file_hash => Entry::Ambiguous { file_hash },
        _ => Entry::Model {
            file_hash,
            model: Box::new(model.clone()),
        },
    };
    map.insert(key, entry);
}

/// The model recorded for module `ident` of `file`, if the file still
/// hashes to `file_hash`.
pub fn lookup(file: &Path, ident: &str, file_hash: u64) -> Option<Migration> {
    let path = file.canonicalize().ok()?;
    let guard = MODELS.lock().unwrap_or_else(PoisonError::into_inner);
    match guard.as_ref()?.get(&(path, ident.to_string()))? {
        Entry::Model {
            file_hash: h,
            model,
        } if *h == file_hash => Some((**model).clone()),
        _ => None,
    }
}
