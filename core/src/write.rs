//! Safe writes: only inside the root, only if the file is unchanged since it was read, and
//! atomically (temp file + fsync + rename in the same folder), keeping permissions.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::source::Encoding;

/// What to write: the file as read, and the text to replace it with.
pub struct WriteRequest<'a> {
    pub path: &'a Path,
    pub root: &'a Path,
    pub original: &'a str,
    pub new_text: &'a str,
    pub encoding: Encoding,
}

fn refused(path: &Path, reason: impl Into<String>) -> Error {
    Error::Refused { path: path.to_path_buf(), reason: reason.into() }
}

/// The real file behind `path`, checked to lie inside `root`.
pub(crate) fn target_inside_root(path: &Path, root: &Path) -> Result<PathBuf, Error> {
    let read_error = |source| Error::Read { path: path.to_path_buf(), source };
    let canonical_root = fs::canonicalize(root).map_err(read_error)?;
    let real = fs::canonicalize(path).map_err(read_error)?;
    if !real.starts_with(&canonical_root) {
        return Err(refused(path, format!("it resolves to {} outside the root {}", real.display(), root.display())));
    }
    Ok(real)
}

/// Write `request.new_text` over the file, or explain why not. Nothing is written when the new
/// text equals the original.
pub fn write(request: &WriteRequest<'_>) -> Result<bool, Error> {
    let path = request.path;
    if request.new_text == request.original {
        return Ok(false);
    }
    let new_bytes = request
        .encoding
        .encode(request.new_text)
        .ok_or_else(|| refused(path, format!("the new text cannot be encoded as {}", request.encoding.name())))?;
    let original_bytes = request
        .encoding
        .encode(request.original)
        .ok_or_else(|| refused(path, "the original text no longer encodes"))?;
    let real = target_inside_root(path, request.root)?;
    let write_err = |source| Error::Write { path: path.to_path_buf(), source };
    let meta = fs::metadata(&real).map_err(write_err)?;
    if meta.nlink() > 1 {
        return Err(refused(
            path,
            format!(
                "it has {} hard links; replacing it would split them (copy it, or migrate the other name)",
                meta.nlink()
            ),
        ));
    }
    ensure_unchanged(path, &real, &original_bytes)?;
    let dir = real.parent().ok_or_else(|| refused(path, "it has no parent folder"))?;
    // A short temporary name: the file's own name may already be near the 255-byte limit.
    let mut tmp = tempfile::Builder::new().prefix(".tf2m-").suffix(".tmp").tempfile_in(dir).map_err(write_err)?;
    tmp.write_all(&new_bytes).map_err(write_err)?;
    // Best effort: keep the owner when we are allowed to (running as root). Before the mode:
    // a chown clears the setuid and setgid bits.
    let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
    tmp.as_file().set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777)).map_err(write_err)?;
    copy_xattrs(&real, tmp.as_file()).map_err(|reason| refused(path, reason))?;
    tmp.as_file().sync_all().map_err(write_err)?;
    // Last look before the rename narrows the window in which another writer could be overwritten.
    ensure_unchanged(path, &real, &original_bytes)?;
    tmp.persist(&real).map_err(|e| write_err(e.error))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(true)
}

/// Copy the extended attributes of `from` (user attributes, POSIX ACLs, …) onto `to`. One that
/// cannot be copied refuses the write: replacing the file would lose it.
fn copy_xattrs(from: &Path, to: &fs::File) -> Result<(), String> {
    use xattr::FileExt as _;
    let names = match xattr::list(from) {
        Ok(names) => names,
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => return Ok(()),
        Err(e) => return Err(format!("cannot read its extended attributes: {e}")),
    };
    for name in names {
        let shown = name.to_string_lossy().into_owned();
        let Some(value) =
            xattr::get(from, &name).map_err(|e| format!("cannot read extended attribute {shown}: {e}"))?
        else {
            continue;
        };
        to.set_xattr(&name, &value).map_err(|e| format!("cannot keep extended attribute {shown}: {e}"))?;
    }
    Ok(())
}

fn ensure_unchanged(path: &Path, real: &Path, original: &[u8]) -> Result<(), Error> {
    let current = fs::read(real).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    if current != original {
        return Err(Error::Conflict { path: path.to_path_buf() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(path: &'a Path, root: &'a Path, original: &'a str, new_text: &'a str) -> WriteRequest<'a> {
        WriteRequest { path, root, original, new_text, encoding: Encoding::Utf8 { bom: false } }
    }

    #[test]
    fn writes_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        fs::write(&p, "old\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o751)).unwrap();
        assert!(write(&req(&p, dir.path(), "old\n", "new\n")).unwrap());
        assert_eq!(fs::read_to_string(&p).unwrap(), "new\n");
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o777, 0o751);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }

    #[test]
    fn refuses_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        fs::write(&p, "olD\n").unwrap();
        let err = write(&req(&p, dir.path(), "old\n", "new\n")).unwrap_err();
        assert!(matches!(err, Error::Conflict { .. }), "{err}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "olD\n");
    }

    #[test]
    fn refuses_outside_root_and_hard_links() {
        let outside = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let target = outside.path().join("t.py");
        fs::write(&target, "old\n").unwrap();
        let link = root.path().join("l.py");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(write(&req(&link, root.path(), "old\n", "new\n")), Err(Error::Refused { .. })));
        assert_eq!(fs::read_to_string(&target).unwrap(), "old\n");
        let a = root.path().join("a.py");
        fs::write(&a, "old\n").unwrap();
        fs::hard_link(&a, root.path().join("b.py")).unwrap();
        assert!(matches!(write(&req(&a, root.path(), "old\n", "new\n")), Err(Error::Refused { .. })));
    }

    #[test]
    fn writes_through_symlink_inside_root() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real.py");
        fs::write(&real, "old\n").unwrap();
        let link = root.path().join("link.py");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(write(&req(&link, root.path(), "old\n", "new\n")).unwrap());
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new\n");
    }
}
