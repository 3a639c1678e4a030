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
//! descriptor's model hash besides). Two modules of one name in one file, with
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

/// FNV-1a: stable across builds and platforms, unlike std's hasher, and
/// cheap enough to run on every file of a long history.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A file's hash, read again only when its length or modification time
/// changed: a file of many migrations is otherwise read and hashed once per
/// migration in it.
fn hash_of(path: &Path) -> Option<u64> {
    static HASHES: Mutex<Option<HashMap<PathBuf, (Stamp, u64)>>> = Mutex::new(None);
    let meta = std::fs::metadata(path).ok()?;
    let stamp = (meta.len(), meta.modified().ok()?);
    let mut guard = HASHES.lock().unwrap_or_else(PoisonError::into_inner);
    let map = guard.get_or_insert_with(HashMap::new);
    if let Some((s, hash)) = map.get(path) {
        if *s == stamp {
            return Some(*hash);
        }
    }
    let hash = fnv1a(&std::fs::read(path).ok()?);
    map.insert(path.to_path_buf(), (stamp, hash));
    Some(hash)
}

/// A file's length and modification time.
type Stamp = (u64, std::time::SystemTime);

/// Records the model of module `ident` in `file`, as the file is now.
pub fn record(file: &Path, ident: &str, model: &Migration) {
    let Ok(path) = file.canonicalize() else {
        return;
    };
    let Some(file_hash) = hash_of(&path) else {
        return;
    };
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
