//! Finding a set's migration modules in their files, so that `migrations!`
//! reads every model itself instead of having them handed along a chain of
//! macro calls as deep as the set is long (which needed `recursion_limit`).
//!
//! Starting from the file of the `migrations!` call, each listed path is
//! followed as rustc would: child modules (`mod x;` in `x.rs` or
//! `x/mod.rs`, `#[path]`, inline `mod x { .. }`), `self`, `super`, `crate`
//! and `use` items (renamed, grouped and glob). It ends at an inline module
//! with a `#[migration(..)]` attribute. Anything this does not follow (a
//! module made by a macro, a `#[cfg]` on the way, an outside crate) answers
//! `None` and the set falls back to the chain. A path that is followed to
//! the wrong module cannot go unnoticed: the set compares, at compile time,
//! a hash of each model it read with the one the migration's own macro
//! compiled (the hash its `MIGRATION` carries).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Item, ItemMod, ItemUse, Meta, UseTree};

mod locate;
mod shell;
mod skim;

pub use locate::locate;

/// One migration as found in its file.
pub struct Found {
    /// The module's name.
    pub ident: String,
    /// Its model as its own macro recorded it, or its source to parse.
    pub source: FoundSource,
    /// The file it is written in, for the guard's message.
    pub file: PathBuf,
}

/// Where a found migration's model comes from.
pub enum FoundSource {
    /// What `#[migration]` recorded in this compiler run (`memo`).
    Recorded(Box<godwit_core::Migration>),
    /// The attribute's arguments and the module, to parse.
    Written {
        /// The `#[migration(..)]` arguments.
        args: TokenStream,
        /// The inline module.
        module: Box<ItemMod>,
    },
}

/// Each of `paths` as written in the `migrations!` call in `call_file`
/// whose paths are `paths`, or `None` when one of them cannot be followed.
pub fn find(call_file: &Path, paths: &[syn::Path]) -> Option<Vec<Found>> {
    let mut r = Resolver::default();
    let root = r.root(call_file, true)?;
    let wanted: Vec<String> = paths.iter().map(path_text).collect();
    let at = r.call_module(&root, &wanted)?;
    r.follow(&at, paths)
}

/// `a :: b` as `a::b`.
fn path_text(p: &syn::Path) -> String {
    p.to_token_stream().to_string().replace(' ', "")
}

/// A file rustc may take as a crate's root (its children live beside it).
fn root_like(file: &Path) -> bool {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let dir = file
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    matches!(name, "lib.rs" | "main.rs" | "build.rs")
        || matches!(dir, "tests" | "examples" | "benches" | "bin")
}

/// A file read as far as finding modules needs (`shell`).
struct File {
    path: PathBuf,
    items: Vec<Item>,
    /// The text of the body of the file's last item, a migration module,
    /// when the file was read without it (`skim`): lexed only if needed.
    body: Option<Lazy>,
}

/// A migration module's body as text, and whether rustc lexes it.
struct Lazy {
    text: String,
    compiled: bool,
}

/// A module: the items of a file, or of an inline module in it.
#[derive(Clone)]
struct Module {
    file: Rc<File>,
    /// The indexes of the inline modules from the file's top to this one.
    inline: Vec<usize>,
    /// Where its `mod x;` children live.
    dir: PathBuf,
    /// The file's own directory, for `#[path]` at its top level.
    file_dir: PathBuf,
    /// Whether it is a crate's root (`crate::` names it).
    is_root: bool,
    parent: Option<Rc<Module>>,
}

impl Module {
    fn file(file: Rc<File>, path: &Path, mod_rs: bool, parent: Option<Rc<Module>>) -> Module {
        let file_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let is_mod_rs = mod_rs || path.file_name().is_some_and(|n| n == "mod.rs");
        let dir = if is_mod_rs {
            file_dir.clone()
        } else {
            file_dir.join(path.file_stem().unwrap_or_default())
        };
        Module {
            file,
            inline: Vec::new(),
            dir,
            file_dir,
            is_root: parent.is_none() && root_like(path),
            parent,
        }
    }

    fn items(&self) -> &[Item] {
        let mut items: &[Item] = &self.file.items;
        for &i in &self.inline {
            match &items[i] {
                Item::Mod(ItemMod {
                    content: Some((_, inner)),
                    ..
                }) => items = inner,
                _ => return &[],
            }
        }
        items
    }

    fn key(&self) -> (usize, Vec<usize>) {
        (Rc::as_ptr(&self.file) as usize, self.inline.clone())
    }

    /// The outermost module known above this one.
    fn parent_chain_root(&self) -> Module {
        let mut m = self.clone();
        while let Some(p) = m.parent.clone() {
            m = (*p).clone();
        }
        m
    }
}

/// What a name in a module stands for.
#[derive(Clone)]
enum Name {
    /// `mod x;` (its file) or `mod x { .. }` (its index).
    Mod(usize),
    /// `use a::b as x;`: the path.
    Use(Vec<String>),
}

/// A module's names and glob imports.
#[derive(Default)]
struct Index {
    names: HashMap<String, Name>,
    globs: Vec<Vec<String>>,
    /// Names declared under a `#[cfg]`: which declaration rustc keeps is
    /// not known here.
    cfg_names: HashSet<String>,
    /// A macro call at item level, or a `#[cfg]` glob import: names this
    /// index does not list may exist.
    opaque: bool,
}

#[derive(Default)]
struct Resolver {
    files: HashMap<PathBuf, Rc<File>>,
    indexes: HashMap<(usize, Vec<usize>), Rc<Index>>,
}

/// How deep `use` chains are followed before giving up (a cycle).
const MAX_DEPTH: usize = 32;

impl Resolver {
    /// `path`, read; `compiled` when rustc compiles it too (the call's file,
    /// a module's file), so that its tokens are known to lex.
    fn load(&mut self, path: &Path, compiled: bool) -> Option<Rc<File>> {
        if let Some(f) = self.files.get(path) {
            return Some(f.clone());
        }
        let text = std::fs::read_to_string(path).ok()?;
        let (items, body) = match skim::single_module(&text).and_then(|s| header(s, compiled)) {
            Some((items, body)) => (items, Some(body)),
            None => {
                let shell: shell::Shell = syn::parse2(crate::lex(&text, compiled)?).ok()?;
                (shell.items, None)
            }
        };
        let file = Rc::new(File {
            path: path.to_path_buf(),
            items,
            body,
        });
        self.files.insert(path.to_path_buf(), file.clone());
        Some(file)
    }

    /// `file`'s top level, as a module of its own (its parent unknown).
    fn root(&mut self, file: &Path, compiled: bool) -> Option<Module> {
        let loaded = self.load(file, compiled)?;
        Some(Module::file(loaded, file, root_like(file), None))
    }

    /// The migrations `paths` lead to from `at`, each as its file has it.
    fn follow(&mut self, at: &Module, paths: &[syn::Path]) -> Option<Vec<Found>> {
        paths
            .iter()
            .map(|p| {
                if p.leading_colon.is_some() || p.segments.iter().any(|s| !s.arguments.is_none()) {
                    return None;
                }
                let segments: Vec<String> =
                    p.segments.iter().map(|s| s.ident.to_string()).collect();
                let module = self.path(at, &segments, 0)?;
                self.migration(&module)
            })
            .collect()
    }

    /// The module holding the `migrations!` call whose paths are `wanted`:
    /// the file's top level or an inline module in it.
    fn call_module(&mut self, top: &Module, wanted: &[String]) -> Option<Module> {
        let mut found = Vec::new();
        search_calls(top, Some(wanted), &mut found);
        let first = found.first()?.clone();
        found
            .iter()
            .all(|m| m.inline == first.inline)
            .then_some(first)
    }

    fn index(&mut self, m: &Module) -> Rc<Index> {
        let key = m.key();
        if let Some(i) = self.indexes.get(&key) {
            return i.clone();
        }
        let index = Rc::new(build_index(m.items()));
        self.indexes.insert(key, index.clone());
        index
    }

    /// Follows `segments` from `from`.
    fn path(&mut self, from: &Module, segments: &[String], depth: usize) -> Option<Module> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (first, rest) = segments.split_first()?;
        let start = match first.as_str() {
            "self" => from.clone(),
            "super" => (**from.parent.as_ref()?).clone(),
            // The first root that lets the whole path through.
            "crate" => {
                return self
                    .crate_roots(from)
                    .into_iter()
                    .find_map(|root| self.rest(root, rest, depth))
            }
            _ => self.name(from, first, depth)?,
        };
        self.rest(start, rest, depth)
    }

    fn rest(&mut self, mut at: Module, rest: &[String], depth: usize) -> Option<Module> {
        for seg in rest {
            at = match seg.as_str() {
                "super" => (**at.parent.as_ref()?).clone(),
                "self" => at,
                _ => self.name(&at, seg, depth)?,
            };
        }
        Some(at)
    }

    /// What `crate` may name: the top of the file of the call when it can
    /// be a crate's root (the compiler does not say which file is), then
    /// the manifest's `src/lib.rs` and `src/main.rs`.
    fn crate_roots(&mut self, from: &Module) -> Vec<Module> {
        let top = from.parent_chain_root();
        if top.is_root {
            return vec![top];
        }
        let mut roots = vec![top];
        let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") else {
            return roots;
        };
        let src = PathBuf::from(manifest).join("src");
        for name in ["lib.rs", "main.rs"] {
            let path = src.join(name);
            if let Some(file) = self.load(&path, false) {
                roots.push(Module::file(file, &path, true, None));
            }
        }
        roots
    }

    /// The module `name` stands for in `m`.
    fn name(&mut self, m: &Module, name: &str, depth: usize) -> Option<Module> {
        let index = self.index(m);
        if index.cfg_names.contains(name) {
            return None;
        }
        match index.names.get(name) {
            Some(Name::Mod(i)) => self.child(m, *i),
            Some(Name::Use(path)) => {
                let path = path.clone();
                self.path(m, &path, depth + 1)
            }
            None if index.opaque => None,
            None => {
                // A glob import may bring it; the first that does wins, as
                // two would be ambiguous to rustc.
                for glob in index.globs.clone() {
                    let Some(target) = self.path(m, &glob, depth + 1) else {
                        continue;
                    };
                    if let Some(found) = self.name(&target, name, depth + 1) {
                        return Some(found);
                    }
                }
                None
            }
        }
    }

    /// The module item `i` of `m` declares.
    fn child(&mut self, m: &Module, i: usize) -> Option<Module> {
        let Item::Mod(item) = &m.items()[i] else {
            return None;
        };
        let name = item.ident.to_string();
        let path_attr = item.attrs.iter().find_map(|a| match &a.meta {
            Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        let parent = Some(Rc::new(m.clone()));
        if item.content.is_some() {
            if path_attr.is_some() {
                return None;
            }
            let mut inline = m.inline.clone();
            inline.push(i);
            return Some(Module {
                file: m.file.clone(),
                inline,
                dir: m.dir.join(&name),
                file_dir: m.file_dir.clone(),
                is_root: false,
                parent,
            });
        }
        let (path, mod_rs) = match path_attr {
            Some(p) if m.inline.is_empty() => (m.file_dir.join(p), true),
            Some(p) => (m.dir.join(p), true),
            None => {
                let flat = m.dir.join(format!("{name}.rs"));
                if flat.is_file() {
                    (flat, false)
                } else {
                    (m.dir.join(&name).join("mod.rs"), true)
                }
            }
        };
        let file = self.load(&path, true)?;
        Some(Module::file(file, &path, mod_rs, parent))
    }

    /// The migration `m` is: an inline module with `#[migration(..)]`.
    fn migration(&mut self, m: &Module) -> Option<Found> {
        let &last = m.inline.last()?;
        let parent = m.parent.as_ref()?;
        let Item::Mod(item) = &parent.items()[last] else {
            return None;
        };
        let attr = item.attrs.iter().find(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "migration")
        })?;
        let ident = item.ident.to_string();
        let file = m.file.path.clone();
        if let Some(model) = crate::memo::lookup(&file, &ident) {
            return Some(Found {
                ident,
                source: FoundSource::Recorded(Box::new(model)),
                file,
            });
        }
        let args = match &attr.meta {
            Meta::List(list) => list.tokens.clone(),
            Meta::Path(_) => TokenStream::new(),
            Meta::NameValue(_) => return None,
        };
        let mut module = item.clone();
        module.attrs.retain(|a| !std::ptr::eq(a, attr));
        if let Some((brace, _)) = module.content.take() {
            let items = match (&m.file.body, &m.inline[..]) {
                (Some(body), &[i]) if i + 1 == m.file.items.len() => {
                    syn::parse2::<syn::File>(crate::lex(&body.text, body.compiled)?)
                        .ok()?
                        .items
                }
                _ => shell::migration_items(item)?,
            };
            module.content = Some((brace, items));
        }
        Some(Found {
            ident,
            source: FoundSource::Written {
                args,
                module: Box::new(module),
            },
            file,
        })
    }
}

/// The items of a file that ends with a migration module, from the text
/// before its body (the module with an empty body), and its body kept as
/// text; `None` when the last item is not a migration module.
fn header(split: skim::Split<'_>, compiled: bool) -> Option<(Vec<Item>, Lazy)> {
    let tokens = crate::lex(&format!("{} {{}}", split.header), compiled)?;
    let shell: shell::Shell = syn::parse2(tokens).ok()?;
    match shell.items.last() {
        Some(Item::Mod(m))
            if shell.attrs.is_empty() && m.content.is_some() && shell::is_migration(&m.attrs) => {}
        _ => return None,
    }
    let body = Lazy {
        text: split.body.to_string(),
        compiled,
    };
    Some((shell.items, body))
}

/// Whether `attrs` hold a `#[cfg]` or `#[cfg_attr]`.
fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
}

fn build_index(items: &[Item]) -> Index {
    let mut index = Index::default();
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Mod(m) => {
                if has_cfg(&m.attrs) {
                    index.cfg_names.insert(m.ident.to_string());
                }
                index.names.insert(m.ident.to_string(), Name::Mod(i));
            }
            Item::Use(u) if has_cfg(&u.attrs) => {
                let mut cfg = Index::default();
                read_use(u, &mut cfg);
                index.cfg_names.extend(cfg.names.into_keys());
                index.opaque |= !cfg.globs.is_empty();
            }
            Item::Use(u) => read_use(u, &mut index),
            // A macro may declare modules or imports.
            Item::Macro(m) if m.ident.is_none() && !is_migrations_call(&m.mac) => {
                index.opaque = true;
            }
            _ => {}
        }
    }
    index
}

fn read_use(u: &ItemUse, index: &mut Index) {
    if u.leading_colon.is_some() {
        return;
    }
    fn walk(tree: &UseTree, prefix: &mut Vec<String>, index: &mut Index) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, index);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut path = prefix.clone();
                if name != "self" {
                    path.push(name.clone());
                }
                let local = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    name
                };
                index.names.entry(local).or_insert(Name::Use(path));
            }
            UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                index
                    .names
                    .entry(r.rename.to_string())
                    .or_insert(Name::Use(path));
            }
            UseTree::Glob(_) => index.globs.push(prefix.clone()),
            UseTree::Group(g) => {
                for tree in &g.items {
                    walk(tree, prefix, index);
                }
            }
        }
    }
    walk(&u.tree, &mut Vec::new(), index);
}

/// Whether `mac` is a `migrations!` call.
fn is_migrations_call(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "migrations")
}

/// The paths a `migrations!` call lists, as text.
fn call_paths(mac: &syn::Macro) -> Option<Vec<String>> {
    let input = crate::parse::settings::SetInput::parse(mac.tokens.clone()).ok()?;
    Some(input.paths.iter().map(path_text).collect())
}

/// Every module of `m`'s file, from `m` down, holding a `migrations!` call
/// with `wanted` paths (with any, for `None`).
fn search_calls(m: &Module, wanted: Option<&[String]>, found: &mut Vec<Module>) {
    for (i, item) in m.items().iter().enumerate() {
        let mac = match item {
            Item::Macro(im) => Some(&im.mac),
            Item::Static(s) => match &*s.expr {
                syn::Expr::Macro(e) => Some(&e.mac),
                _ => None,
            },
            Item::Const(c) => match &*c.expr {
                syn::Expr::Macro(e) => Some(&e.mac),
                _ => None,
            },
            Item::Mod(ItemMod {
                content: Some(_),
                ident,
                ..
            }) => {
                let mut inner = m.clone();
                inner.inline.push(i);
                inner.dir = m.dir.join(ident.to_string());
                inner.is_root = false;
                inner.parent = Some(Rc::new(m.clone()));
                search_calls(&inner, wanted, found);
                None
            }
            _ => None,
        };
        if let Some(mac) = mac.filter(|mac| is_migrations_call(mac)) {
            if wanted.is_none_or(|w| call_paths(mac).as_deref() == Some(w)) {
                found.push(m.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
    }

    /// The paths of the first `migrations!` call at the top of `file`.
    fn listed(file: &Path) -> Vec<syn::Path> {
        let ast = syn::parse_file(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mac = ast
            .items
            .iter()
            .find_map(|item| match item {
                Item::Static(s) => match &*s.expr {
                    syn::Expr::Macro(e) => Some(e.mac.clone()),
                    _ => None,
                },
                Item::Macro(m) if is_migrations_call(&m.mac) => Some(m.mac.clone()),
                _ => None,
            })
            .unwrap();
        crate::parse::settings::SetInput::parse(mac.tokens)
            .unwrap()
            .paths
    }

    fn revisions(found: &[Found]) -> Vec<String> {
        found
            .iter()
            .map(|f| {
                let FoundSource::Written { args, .. } = &f.source else {
                    panic!("no attribute ran in a unit test");
                };
                let attr = args.to_string();
                let start = attr.find("revision = \"").unwrap() + "revision = \"".len();
                attr[start..start + 15].to_string()
            })
            .collect()
    }

    #[test]
    fn paths_through_path_attributes_nested_files_and_crate_are_followed() {
        let file = repo("ui-tests/pass/multi_file.rs");
        let found = find(&file, &listed(&file)).expect("every path is followed");
        assert_eq!(
            found.iter().map(|f| f.ident.clone()).collect::<Vec<_>>(),
            ["add_bio", "create_users", "add_posts"]
        );
        assert!(found[0]
            .file
            .ends_with("multi_file/nested/m0003_add_bio.rs"));
    }

    #[test]
    fn paths_through_a_glob_import_of_a_module_of_files_are_followed() {
        let file = repo("examples/app/src/lib.rs");
        let found = find(&file, &listed(&file)).expect("every path is followed");
        assert_eq!(found.len(), 12);
        assert_eq!(revisions(&found)[0], "20250119_090000");
        assert!(found[11]
            .file
            .ends_with("src/migrations/m20250224_090000_drop_theme.rs"));
        // A file of one module is read as its header; the body, kept as
        // text, is parsed when no recorded model is there (none is, here).
        let FoundSource::Written { module, .. } = &found[11].source else {
            panic!("no attribute ran in a unit test");
        };
        let (_, items) = module.content.as_ref().expect("an inline module");
        let fns: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(fns, ["upgrade", "downgrade"]);
    }

    #[test]
    fn a_name_a_macro_might_declare_is_not_guessed() {
        let file = repo("ui-tests/pass/set-through-the-chain.rs");
        assert!(find(&file, &listed(&file)).is_none());
    }

    #[test]
    fn a_cfg_on_the_way_is_not_guessed_and_a_missing_file_is_none() {
        let dir = std::env::temp_dir().join(format!("godwit-resolve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let migration =
            "#[godwit::migration(revision = \"1\", message = \"create the users table\")]\n\
                         pub mod create_users { pub fn upgrade(op: &mut Ops) {} }\n";
        std::fs::write(dir.join("src/a.rs"), migration).unwrap();
        let lib = dir.join("src/lib.rs");
        let call = "pub static M: godwit::MigrationSet = godwit::migrations![a::create_users];\n";
        std::fs::write(&lib, format!("mod a;\n{call}")).unwrap();
        let paths = listed(&lib);
        assert_eq!(find(&lib, &paths).map(|f| f.len()), Some(1));
        std::fs::write(&lib, format!("#[cfg(feature = \"x\")]\nmod a;\n{call}")).unwrap();
        assert!(find(&lib, &paths).is_none());
        std::fs::write(&lib, format!("mod b;\nuse b as a;\n{call}")).unwrap();
        assert!(find(&lib, &paths).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
