//! Writing the user's files without ever destroying one.
//!
//! - A path is only replaced if it is a regular file (never a device, a FIFO, a symbolic
//!   link or a directory), and only with `--force`.
//! - A file is written to a hidden temporary sibling (`.NAME.corridor-tmp-PID`), created
//!   exclusively (`O_EXCL`: a symbolic link planted at that name is never followed, the
//!   next name is taken instead), synced, then renamed over the target: a crash leaves the
//!   old file or the new one.
//! - A dataset directory is never written in place: the new dataset is written whole into
//!   a temporary sibling directory, the entries of the old directory that are not dataset
//!   files (a `demand.csv`, notes, `.git`) are hard-linked into it (sub-directories are
//!   re-created with their mode, owner and times), and the two directories
//!   are swapped in one atomic rename (`RENAME_EXCHANGE` on Linux). A `kill -9` at any
//!   moment leaves the old dataset or the new one, whole.
//! - Temporaries left by a killed run are removed by the next write next to them (when
//!   the process that made them is gone); they are hidden, so never read as data.

use crate::Failure;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const TMP_TAG: &str = ".corridor-tmp-";

fn io_failure(path: &Path, e: io::Error) -> Failure {
    Failure::Io(format!("cannot write `{}`: {e}", path.display()))
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn name_of(path: &Path) -> Result<OsString, Failure> {
    path.file_name()
        .map(|n| n.to_os_string())
        .ok_or_else(|| Failure::Usage(format!("`{}` does not name a file", path.display())))
}

/// What is at a path, described for a refusal (the loader's words for it).
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    corridor_model::read::file_kind(meta.file_type())
}

/// Check that `path` may receive a new file: nothing is there, or a regular file and
/// `force` is given.
pub fn check_file_target(path: &Path, force: bool) -> Result<(), Failure> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Failure::Io(format!(
            "cannot inspect `{}`: {e}",
            path.display()
        ))),
        Ok(m) if m.file_type().is_file() => {
            if force {
                Ok(())
            } else {
                Err(Failure::Usage(format!(
                    "`{}` already exists; pass --force to replace it",
                    path.display()
                )))
            }
        }
        Ok(m) => Err(Failure::Usage(format!(
            "`{}` is {}; Corridor only replaces regular files (give another path)",
            path.display(),
            kind_of(&m)
        ))),
    }
}

/// Is the process `pid` still running? (Linux: `/proc/PID`; elsewhere assume so, which
/// only leaves a hidden temporary behind.)
fn alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}

/// Remove the temporaries of `name` in `parent` left by runs that were killed.
fn clean_stale(parent: &Path, name: &OsString) {
    let prefix = format!(".{}{TMP_TAG}", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        let Some(pid) = n
            .strip_prefix(&prefix)
            .and_then(|p| p.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || alive(pid) {
            continue;
        }
        let p = e.path();
        let _ = match e.file_type() {
            Ok(ft) if ft.is_dir() => std::fs::remove_dir_all(&p),
            _ => std::fs::remove_file(&p),
        };
    }
}

/// The `attempt`-th temporary name for `path`: `.NAME.corridor-tmp-PID` (then `-PID-N`).
fn tmp_path(path: &Path, attempt: u32) -> Result<PathBuf, Failure> {
    let name = name_of(path)?;
    let suffix = match attempt {
        0 => String::new(),
        n => format!("-{n}"),
    };
    Ok(parent_of(path).join(format!(
        ".{}{TMP_TAG}{}{suffix}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// How many temporary names are tried before giving up.
const TMP_ATTEMPTS: u32 = 64;

/// Create a new temporary for `path` with `create` (which must fail with `AlreadyExists` if
/// anything is there, as `O_CREAT | O_EXCL` and `mkdir` do, never following a symbolic link
/// planted at the name), trying the next name while one is taken.
fn create_tmp<T>(
    path: &Path,
    mut create: impl FnMut(&Path) -> io::Result<T>,
) -> Result<(PathBuf, T), Failure> {
    for attempt in 0..TMP_ATTEMPTS {
        let tmp = tmp_path(path, attempt)?;
        match create(&tmp) {
            Ok(t) => return Ok((tmp, t)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_failure(path, e)),
        }
    }
    Err(Failure::Io(format!(
        "cannot write `{}`: {TMP_ATTEMPTS} temporary names beside it are taken",
        path.display()
    )))
}

fn sync_dir(dir: &Path) {
    // Directory fsync makes the renames durable; not every platform allows opening one.
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Write a file atomically through `write`, refusing to replace anything but a regular
/// file, and a regular file only with `force`.
pub fn write_file(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    check_file_target(path, force)?;
    let parent = parent_of(path);
    let name = name_of(path)?;
    clean_stale(parent, &name);
    let (tmp, mut f) = create_tmp(path, |t| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(t)
    })?;
    let result = (|| -> io::Result<()> {
        write(&mut f)?;
        f.sync_all()?;
        // Checked again just before the rename: something may have appeared meanwhile.
        if let Ok(m) = std::fs::symlink_metadata(path) {
            if !m.file_type().is_file() {
                return Err(io::Error::other(format!(
                    "`{}` became {} while writing",
                    path.display(),
                    kind_of(&m)
                )));
            }
        }
        std::fs::rename(&tmp, path)?;
        sync_dir(parent);
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_failure(path, e)
    })
}

/// Hard-link (or copy, where links are not possible) an entry: a file, a symbolic link, or
/// a directory tree.
fn link_entry(src: &Path, dst: &Path, ft: std::fs::FileType) -> io::Result<()> {
    if ft.is_dir() {
        let meta = std::fs::symlink_metadata(src)?;
        std::fs::create_dir(dst)?;
        for entry in std::fs::read_dir(src)? {
            let entry = entry?;
            link_entry(
                &entry.path(),
                &dst.join(entry.file_name()),
                entry.file_type()?,
            )?;
        }
        // A re-created directory keeps its owner, times and mode (a 0700 folder stays
        // private); the mode last, as it may forbid writing into it.
        keep_owner(&meta, dst);
        if let (Ok(accessed), Ok(modified)) = (meta.accessed(), meta.modified()) {
            let times = std::fs::FileTimes::new()
                .set_accessed(accessed)
                .set_modified(modified);
            if let Ok(f) = std::fs::File::open(dst) {
                let _ = f.set_times(times);
            }
        }
        std::fs::set_permissions(dst, meta.permissions())?;
        return Ok(());
    }
    if ft.is_symlink() {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(std::fs::read_link(src)?, dst);
        #[cfg(not(unix))]
        return std::fs::copy(src, dst).map(|_| ());
    }
    if ft.is_file() {
        if std::fs::hard_link(src, dst).is_err() {
            std::fs::copy(src, dst)?;
        }
        return Ok(());
    }
    Err(io::Error::other(format!(
        "`{}` is not a regular file, directory or link",
        src.display()
    )))
}

/// Give `dst` the owner and group of `meta` where allowed (as root, or when they are the
/// writer's own); elsewhere it stays the writer's, as any file the writer creates.
fn keep_owner(meta: &std::fs::Metadata, dst: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::lchown(dst, Some(meta.uid()), Some(meta.gid()));
    }
    #[cfg(not(unix))]
    let _ = (meta, dst);
}

/// Swap two existing directories in one step where the platform can; else rename the old
/// one aside first (a kill between the two renames leaves the old one beside, hidden).
fn swap_dirs(new: &Path, target: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = new.with_extension("old");
    std::fs::rename(target, &aside)?;
    std::fs::rename(new, target)?;
    std::fs::rename(&aside, new)
}

/// Write a dataset directory whole: `files` in order, each through `write(i, w)`.
/// An existing directory holding any of `files` is replaced only with `force`, and then
/// in one swap, keeping its other entries.
pub fn write_dataset(
    dir: &Path,
    force: bool,
    files: &[&str],
    mut write: impl FnMut(usize, &mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let existing = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(Failure::Io(format!(
                "cannot inspect `{}`: {e}",
                dir.display()
            )));
        }
        Ok(m) if m.file_type().is_dir() => true,
        Ok(m) => {
            return Err(Failure::Usage(format!(
                "`{}` is {}; --format csv writes a dataset directory (give a new or an existing directory)",
                dir.display(),
                kind_of(&m)
            )));
        }
    };
    if existing && !force {
        if let Some(f) = files.iter().find(|f| dir.join(f).exists()) {
            return Err(Failure::Usage(format!(
                "`{}` already holds {f}; pass --force to replace the dataset there (its other files are kept)",
                dir.display()
            )));
        }
    }
    let parent = parent_of(dir);
    let name = name_of(dir)?;
    clean_stale(parent, &name);
    let (tmp, ()) = create_tmp(dir, |t| std::fs::create_dir(t))?;
    let result = (|| -> io::Result<()> {
        for (i, f) in files.iter().enumerate() {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(tmp.join(f))?;
            write(i, &mut out)?;
            out.sync_all()?;
        }
        if existing {
            // Keep what is not part of the dataset (demand.csv, simulation.toml, notes).
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let n = entry.file_name();
                if files.iter().any(|f| n == **f) {
                    continue;
                }
                link_entry(&entry.path(), &tmp.join(&n), entry.file_type()?)?;
            }
            if let Ok(m) = std::fs::metadata(dir) {
                keep_owner(&m, &tmp);
                let _ = std::fs::set_permissions(&tmp, m.permissions());
            }
        }
        sync_dir(&tmp);
        if existing {
            swap_dirs(&tmp, dir)?;
        } else {
            rename_new(&tmp, dir)?;
        }
        sync_dir(parent);
        Ok(())
    })();
    match result {
        Ok(()) => {
            // `tmp` now holds the old dataset (or nothing): removing it can fail or be
            // interrupted without harm; the next write cleans it up.
            if existing {
                let _ = std::fs::remove_dir_all(&tmp);
            }
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(io_failure(dir, e))
        }
    }
}

/// Rename a new directory into place, never over one that appeared meanwhile.
fn rename_new(tmp: &Path, dir: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, tmp, CWD, dir, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    if dir.exists() {
        return Err(io::Error::other("the directory appeared while writing"));
    }
    std::fs::rename(tmp, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_never_replaced_unless_regular_and_forced() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.json");
        write_file(&p, false, |w| w.write_all(b"one")).unwrap();
        assert!(matches!(
            write_file(&p, false, |w| w.write_all(b"two")),
            Err(Failure::Usage(_))
        ));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_file(&p, true, |w| w.write_all(b"two")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            let link = d.path().join("link.json");
            std::os::unix::fs::symlink(&p, &link).unwrap();
            match write_file(&link, true, |w| w.write_all(b"x")) {
                Err(Failure::Usage(m)) => assert!(m.contains("is a symbolic link"), "{m}"),
                _ => panic!("a symlink was replaced"),
            }
            assert_eq!(std::fs::read(&p).unwrap(), b"two");
            if Path::new("/dev/null").exists() {
                match write_file(Path::new("/dev/null"), true, |w| w.write_all(b"x")) {
                    Err(Failure::Usage(m)) => assert!(m.contains("is a device"), "{m}"),
                    _ => panic!("a device was replaced"),
                }
            }
        }
        // A failed write leaves the old file and no temporary.
        let e = write_file(&p, true, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(matches!(e, Err(Failure::Io(_))));
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(TMP_TAG)), "{names:?}");
    }

    #[test]
    fn a_dataset_is_swapped_whole_and_keeps_other_files() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("net");
        let files = ["a.csv", "b.csv"];
        write_dataset(&dir, false, &files, |i, w| write!(w, "old {i}")).unwrap();
        std::fs::write(dir.join("demand.csv"), "mine").unwrap();
        std::fs::create_dir(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/HEAD"), "ref").unwrap();
        assert!(matches!(
            write_dataset(&dir, false, &files, |_, w| write!(w, "new")),
            Err(Failure::Usage(_))
        ));
        // A failure midway leaves the old dataset whole.
        let e = write_dataset(&dir, true, &files, |i, w| {
            if i == 1 {
                return Err(io::Error::other("disk full"));
            }
            write!(w, "new {i}")
        });
        assert!(matches!(e, Err(Failure::Io(_))));
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "old 0");
        assert_eq!(std::fs::read_to_string(dir.join("b.csv")).unwrap(), "old 1");
        write_dataset(&dir, true, &files, |i, w| write!(w, "new {i}")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.csv")).unwrap(), "new 0");
        assert_eq!(std::fs::read_to_string(dir.join("b.csv")).unwrap(), "new 1");
        assert_eq!(
            std::fs::read_to_string(dir.join("demand.csv")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(".git/HEAD")).unwrap(),
            "ref"
        );
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["net".to_string()]);
    }

    #[test]
    fn stale_temporaries_of_dead_runs_are_removed() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let d = tempfile::tempdir().unwrap();
        // PID 4194304 is above Linux's largest (2^22), so never alive.
        let stale = d.path().join(format!(".net{TMP_TAG}4194304"));
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("links.csv"), "half").unwrap();
        let dir = d.path().join("net");
        write_dataset(&dir, false, &["a.csv"], |_, w| write!(w, "x")).unwrap();
        assert!(!stale.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_planted_at_the_temporary_name_is_never_followed() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let out = d.path().join("out.json");
        // Planted at this process's own temporary names (the stale clean-up keeps those).
        for attempt in 0..3 {
            std::os::unix::fs::symlink("victim.txt", tmp_path(&out, attempt).unwrap()).unwrap();
        }
        write_file(&out, false, |w| write!(w, "{{}}")).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let m = std::fs::symlink_metadata(&out).unwrap();
        assert!(m.file_type().is_file(), "{m:?}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{}");
        // The same for a dataset directory's temporary.
        let net = d.path().join("net");
        std::os::unix::fs::symlink(d.path(), tmp_path(&net, 0).unwrap()).unwrap();
        write_dataset(&net, false, &["victim.txt"], |_, w| write!(w, "x")).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(net.join("victim.txt")).unwrap(),
            "x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn sub_directories_keep_their_mode_and_times_when_a_dataset_is_rewritten() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("home");
        std::fs::create_dir_all(dir.join("private")).unwrap();
        std::fs::write(dir.join("private/key"), "secret").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        std::fs::File::open(dir.join("private"))
            .unwrap()
            .set_times(std::fs::FileTimes::new().set_modified(old))
            .unwrap();
        std::fs::set_permissions(dir.join("private"), std::fs::Permissions::from_mode(0o700))
            .unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        write_dataset(&dir, false, &["nodes.csv"], |_, w| write!(w, "x")).unwrap();
        let m = std::fs::metadata(dir.join("private")).unwrap();
        assert_eq!(m.permissions().mode() & 0o7777, 0o700);
        assert_eq!(m.modified().unwrap(), old);
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o7777,
            0o750
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("private/key")).unwrap(),
            "secret"
        );
    }
}
