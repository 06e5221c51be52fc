//! A Plan as the realtime thread plays it: the compiled [`Plan`], the
//! feeds the butler fills for its tracks, and the meters' sums between
//! reports. It travels boxed in [`super::msg::ToEngine::NewPlan`] and
//! comes back in [`super::msg::FromEngine::Retired`].

use std::sync::Arc;

use super::butler::ButlerJob;
use super::feed::{feeds, FeedReaders};
use super::metering::MeterAcc;
use super::plan::Plan;
use crate::media::pool::MediaPool;
use crate::model::Session;

/// A Plan with the feeds the butler fills for it.
#[derive(Debug)]
pub struct LivePlan {
    pub plan: Plan,
    pub feeds: FeedReaders,
    pub(super) meters: Vec<MeterAcc>,
}

impl LivePlan {
    /// Compile `session` for playback in blocks of up to `max_block`
    /// frames: the Plan with fresh feeds (identified by `feeds_id`), and
    /// the job that tells the butler what to read into them.
    pub fn compile(
        session: &Session,
        pool: &Arc<MediaPool>,
        max_block: usize,
        feeds_id: u64,
    ) -> (Box<LivePlan>, ButlerJob) {
        LivePlan::compile_reusing(session, pool, max_block, feeds_id, None)
    }

    /// As [`LivePlan::compile`], carrying on with the LV2 instances of
    /// `inserts` (the Plan playing now) where a strip's slot is unchanged.
    pub fn compile_reusing(
        session: &Session,
        pool: &Arc<MediaPool>,
        max_block: usize,
        feeds_id: u64,
        inserts: Option<&crate::plugin::InsertCache>,
    ) -> (Box<LivePlan>, ButlerJob) {
        let plan = Plan::compile_reusing(session, pool, max_block, inserts);
        let channels: Vec<usize> = plan.playlists.iter().map(|p| p.channels).collect();
        let (writers, readers) = feeds(feeds_id, &channels, max_block);
        let job = ButlerJob {
            writers,
            playlists: Arc::clone(&plan.playlists),
            pool: Arc::clone(pool),
        };
        (Box::new(LivePlan::new(plan, readers)), job)
    }

    pub fn new(plan: Plan, feeds: FeedReaders) -> LivePlan {
        let strips = plan.tracks.len() + plan.buses.len() + 5;
        LivePlan {
            plan,
            feeds,
            meters: vec![MeterAcc::default(); strips],
        }
    }
}
