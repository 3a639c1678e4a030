//! The models `#[migration]` built, kept for the set in the same compiler
//! run: rustc expands a crate's attribute macros before the `migrations!`
//! call that lists them, in one process that keeps this crate loaded, so
//! the set need not parse each module again.
//!
//! An entry is keyed by the file (canonical path) and the module's name,
//! and holds the file's length and modification time when the attribute
//! ran, as Cargo tells a changed file: the set takes it only while the file
//! still has them, and parses the module otherwise (a cache that misses
//! costs time, never a wrong model; the set's compile-time guard compares
//! every model with the module's descriptor's model hash besides). The
//! attribute so reads no file. Two modules of one name in one file, with
//! different models, are left to parsing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use godwit_core::Migration;

enum Entry {
    Model { stamp: Stamp, model: Box<Migration> },
    Ambiguous { stamp: Stamp },
}

static MODELS: Mutex<Option<HashMap<(PathBuf, String), Entry>>> = Mutex::new(None);

/// FNV-1a: stable across builds and platforms, unlike std's hasher, for
/// the model hash a `MIGRATION` carries.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A file's length and modification time.
type Stamp = (u64, SystemTime);

fn stamp_of(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// `file` with its directory made canonical, once per directory: a
/// history's files share a few directories, and making each path canonical
/// cost more than the rest of recording it. Both sides of the memo key
/// their entries so.
fn canonical(file: &Path) -> Option<PathBuf> {
    static DIRS: Mutex<Option<HashMap<PathBuf, PathBuf>>> = Mutex::new(None);
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = file.file_name()?;
    let mut guard = DIRS.lock().unwrap_or_else(PoisonError::into_inner);
    let dirs = guard.get_or_insert_with(HashMap::new);
    if let Some(real) = dirs.get(dir) {
        return Some(real.join(name));
    }
    let real = dir.canonicalize().ok()?;
    let path = real.join(name);
    dirs.insert(dir.to_path_buf(), real);
    Some(path)
}

/// Records the model of module `ident` in `file`, as the file is now.
pub fn record(file: &Path, ident: &str, model: &Migration) {
    let Some(path) = canonical(file) else {
        return;
    };
    let Some(stamp) = stamp_of(&path) else {
        return;
    };
    let mut guard = MODELS.lock().unwrap_or_else(PoisonError::into_inner);
    let map = guard.get_or_insert_with(HashMap::new);
    let key = (path, ident.to_string());
    let entry = match map.remove(&key) {
        Some(Entry::Model { stamp: s, model: m }) if s == stamp && *m != *model => {
            Entry::Ambiguous { stamp }
        }
        Some(Entry::Ambiguous { stamp: s }) if s == stamp => Entry::Ambiguous { stamp },
        _ => Entry::Model {
            stamp,
            model: Box::new(model.clone()),
        },
    };
    map.insert(key, entry);
}

/// The model recorded for module `ident` of `file`, if the file has not
/// changed since.
pub fn lookup(file: &Path, ident: &str) -> Option<Migration> {
    let lock = || MODELS.lock().unwrap_or_else(PoisonError::into_inner);
    // Nothing recorded (no file from the compiler): no file to look at.
    lock().as_ref()?;
    let path = canonical(file)?;
    let stamp = stamp_of(&path)?;
    match lock().as_ref()?.get(&(path, ident.to_string()))? {
        Entry::Model { stamp: s, model } if *s == stamp => Some((**model).clone()),
        _ => None,
    }
}
