//! The desk's markers: adding one at a place, finding the one nearest.

use super::desk::Desk;
use crate::model::Marker;

impl Desk {
    /// Add a marker at `position`; a marker already there is renamed.
    pub fn add_marker(&mut self, name: String, position: u64) {
        match self
            .session
            .markers
            .iter_mut()
            .find(|m| m.position == position)
        {
            Some(m) => m.name = name,
            None => {
                self.session.markers.push(Marker { name, position });
                self.session.markers.sort_by_key(|m| m.position);
            }
        }
        self.changed = true;
    }

    /// The marker nearest `position` within `tolerance` samples.
    pub fn marker_near(&self, position: u64, tolerance: u64) -> Option<usize> {
        self.session
            .markers
            .iter()
            .enumerate()
            .filter(|(_, m)| m.position.abs_diff(position) <= tolerance)
            .min_by_key(|(_, m)| m.position.abs_diff(position))
            .map(|(i, _)| i)
    }
}
