//! Gestures of a control surface: a fader moved from touch to release
//! (or a knob turned until it rests) is one undo step, however many MIDI
//! messages it took. While the transport rolls over lanes that write, the
//! automation pass already keeps the undo step; the gesture then adds none.

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
