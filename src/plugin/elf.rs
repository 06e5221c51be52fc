//! A check of a plugin's shared object before dlopen maps it: a file cut
//! short (a damaged copy, a full disk) would otherwise be mapped past its
//! end and crash the host with SIGBUS on first touch. Every loadable
//! segment and the section table must lie inside the file.

use std::path::Path;

fn field(bytes: &[u8], at: usize, width: usize, little: bool) -> Option<u64> {
    let b = bytes.get(at..at + width)?;
    let mut v = 0u64;
    for (i, &x) in b.iter().enumerate() {
        let shift = if little { i } else { width - 1 - i } * 8;
        v |= u64::from(x) << shift;
    }
    Some(v)
}

/// Why the ELF shared object at `path` cannot be loaded whole, if it cannot.
pub fn check(path: &Path) -> Result<(), String> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let len = bytes.len() as u64;
    if bytes.get(..4) != Some(b"\x7fELF") {
        return Err(format!("{name}: not an ELF shared object"));
    }
    let wide = match bytes.get(4) {
        Some(1) => false,
        Some(2) => true,
        _ => return Err(format!("{name}: unknown ELF class")),
    };
    let little = bytes.get(5) == Some(&1);
    let short = || format!("{name}: truncated ({len} bytes): its ELF headers point past its end");
    let f = |at: usize, width: usize| field(&bytes, at, width, little).ok_or_else(short);
    let (phoff, shoff, phentsize, phnum, shentsize, shnum) = if wide {
        (
            f(32, 8)?,
            f(40, 8)?,
            f(54, 2)?,
            f(56, 2)?,
            f(58, 2)?,
            f(60, 2)?,
        )
    } else {
        (
            f(28, 4)?,
            f(32, 4)?,
            f(42, 2)?,
            f(44, 2)?,
            f(46, 2)?,
            f(48, 2)?,
        )
    };
    let within = |offset: u64, size: u64| offset.checked_add(size).is_some_and(|end| end <= len);
    if !within(phoff, phentsize * phnum) || (shnum > 0 && !within(shoff, shentsize * shnum)) {
        return Err(short());
    }
    for i in 0..phnum {
        let at = (phoff + i * phentsize) as usize;
        let kind = f(at, 4)?;
        if kind != 1 {
            continue; // PT_LOAD only
        }
        let (offset, size) = if wide {
            (f(at + 8, 8)?, f(at + 32, 8)?)
        } else {
            (f(at + 4, 4)?, f(at + 16, 4)?)
        };
        if !within(offset, size) {
            return Err(short());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intact_library_passes_and_a_cut_one_is_named() {
        let lib = Path::new("/proc/self/exe");
        let Ok(bytes) = std::fs::read(lib) else {
            return;
        };
        assert_eq!(check(lib), Ok(()));
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.so");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let err = check(&cut).unwrap_err();
        assert!(err.contains("cut.so") && err.contains("truncated"), "{err}");
        std::fs::write(&cut, b"#!/bin/sh\n").unwrap();
        assert!(check(&cut).unwrap_err().contains("not an ELF"));
    }
}
