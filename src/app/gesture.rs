//! Gestures of a control surface: a fader moved from touch to release
//! (or a knob turned until it rests) is one undo step, however many MIDI
//! messages it took. While the transport rolls over lanes that write, the
//! automation pass already keeps the undo step; the gesture then adds none.
//! An OSC remote's fader and pan moves are gestures the same way, until
//! they rest for the automation release time.
//!
//! Undo keeps whole states, so nothing else may land inside a gesture: an
//! edit or an undo made while one is open closes it (one step), is a step
//! of its own, and a new gesture goes on from there.

use super::App;

impl App {
    /// A gesture begins: edits until [`App::end_gesture`] undo together.
    pub fn begin_gesture(&mut self) {
        if self.gesture.is_none() {
            self.gesture = Some(self.snapshot());
        }
    }

    /// Whether a gesture is open.
    pub fn in_gesture(&self) -> bool {
        self.gesture.is_some()
    }

    /// Run `line` as part of the gesture, opening one if none is: its change
    /// joins the gesture's undo step instead of making one of its own.
    pub fn run_line_in_gesture(&mut self, line: &str) {
        self.begin_gesture();
        self.gesture_line = true;
        self.run_line(line, None);
        self.gesture_line = false;
    }

    /// Do `step` (an edit or an undo) between gestures: an open gesture is
    /// closed first and opened again after, so undo steps keep their order.
    pub(super) fn outside_gesture<R>(&mut self, step: impl FnOnce(&mut App) -> R) -> R {
        let open = self.in_gesture();
        if open {
            self.end_gesture();
        }
        let done = step(self);
        if open {
            self.begin_gesture();
        }
        done
    }

    /// The gesture is over: one undo step for what it changed.
    pub fn end_gesture(&mut self) {
        let Some(before) = self.gesture.take() else {
            return;
        };
        let unchanged = before.session == self.desk.session && before.solo == self.desk.solo;
        // An automation pass that began in the gesture took the same
        // state as its undo point.
        let by_pass = self.desk.pass.undo_point.as_ref() == Some(&before.session)
            || self
                .undo
                .last()
                .is_some_and(|u| u.session == before.session);
        if !unchanged && !by_pass {
            self.push_undo(before);
        }
    }
}
