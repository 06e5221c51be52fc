//! The last line of defence at the media boundary: a panic inside a
//! decoder (a dependency's assertion on a field the header check did not
//! foresee) becomes an error for that one file instead of ending the
//! program. The header check ([`super::header`]) is the fix; this guard is
//! what remains when a file finds something new.
//!
//! While a guarded call runs, the program's panic hook stays quiet (see
//! [`quiet`]): the console must not give the terminal back, nor the
//! command line print a backtrace, for a panic that is caught and reported.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use super::MediaError;

thread_local! {
    static GUARDED: Cell<usize> = const { Cell::new(0) };
}

/// Whether this thread is inside [`guarded`], where a panic is caught and
/// reported as an error: panic hooks check it and say nothing.
pub fn quiet() -> bool {
    GUARDED.with(|g| g.get() > 0)
}

/// Install a panic hook that keeps quiet inside [`guarded`] calls and
/// otherwise does what the hook before it did. Call once, early in `main`.
pub fn install_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !quiet() {
            previous(info);
        }
    }));
}

/// Run `f` on the file at `path`; a panic in it is an error naming the file.
pub fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, MediaError>) -> Result<T, MediaError> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    outcome.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(MediaError::Damaged {
            path: path.to_path_buf(),
            why: format!("the decoder gave up on it ({why})"),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_file() {
        let err = guarded::<()>(Path::new("scene.wav"), || panic!("0 Hz")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "scene.wav: damaged: the decoder gave up on it (0 Hz)"
        );
        assert!(!quiet());
        let ok = guarded(Path::new("scene.wav"), || Ok(3)).unwrap();
        assert_eq!(ok, 3);
    }
}
