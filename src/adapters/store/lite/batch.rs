//! Deferred durability's open transaction (see the module comment of `lite`).
//!
//! With deferred durability the writer keeps one transaction open across units of work:
//! each unit (what the engine calls a transaction) is a savepoint in it, released on its
//! `commit()` and rolled back alone when dropped. `Lite::durable` commits the open
//! transaction and then waits for the disk. So pages that every event changes (the audit
//! chain's head and last page, the outbox's last page, counters) are written to the WAL
//! once per batch instead of once per event, and the WAL is synced once per batch.
//!
//! Why this keeps "durable before anyone outside learns of it": every way out (a
//! delivery, a provider call, the replay's final state) first calls `Lite::durable`,
//! which commits and syncs. Reads outside a unit go to the writer too (the reader would
//! not see the open transaction).
//!
//! If SQLite ends the open transaction itself (a full disk, an I/O error), or its COMMIT
//! fails, the units released into it are lost although their events went on as
//! committed; none of them was delivered or paid for (that waits for the COMMIT), and
//! the store refuses to report anything durable from then on (the group is poisoned), so
//! the run stops with an error instead of going on without them.

use super::{blocking, Group};
use crate::app::ports::{StoreError, StoreResult};
use rusqlite::Connection;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Batch {
    /// Units released into the writer's open transaction since its last COMMIT.
    units: AtomicU64,
}

impl Batch {
    /// Units of work released into the open transaction, not yet committed.
    pub fn units(&self) -> u64 {
        self.units.load(Ordering::SeqCst)
    }

    /// Starts a unit: a savepoint in the open transaction (the caller began it).
    pub(super) fn begin_unit(w: &Connection) -> StoreResult<()> {
        Ok(w.execute_batch("SAVEPOINT unit")?)
    }

    /// The unit's changes join the open transaction (committed by [`Batch::commit`]).
    pub(super) fn release_unit(&self, w: &Connection, group: Option<&Group>) -> StoreResult<()> {
        match w.execute_batch("RELEASE unit") {
            Ok(()) => {
                self.units.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
            Err(e) => {
                self.roll_back_unit(w, group);
                Err(e.into())
            }
        }
    }

    /// Undoes the unit alone; the units released before it stay.
    pub(super) fn roll_back_unit(&self, w: &Connection, group: Option<&Group>) {
        if w.is_autocommit() {
            // SQLite rolled back the whole transaction already.
            self.lost(group);
            return;
        }
        if let Err(e) = w.execute_batch("ROLLBACK TO unit; RELEASE unit") {
            tracing::error!(error = %e, "SQLite could not roll back a unit of work: rolling back its batch");
            let _ = w.execute_batch("ROLLBACK");
            self.lost(group);
        }
    }

    /// Refuses to go on once work was lost: a batch that SQLite ended (between units
    /// too, e.g. a read that hit an I/O error), or a failed sync or COMMIT. Committing
    /// later units would leave a gap in the history instead of a lost suffix (a refund
    /// whose "ask the provider first" mark was lost could then be retried and failed).
    pub(super) fn check(&self, w: &Connection, group: &Group) -> StoreResult<()> {
        if w.is_autocommit() && self.units() > 0 {
            self.lost(Some(group));
        }
        if group.failed.load(Ordering::SeqCst) {
            if !w.is_autocommit() {
                let _ = w.execute_batch("ROLLBACK");
            }
            self.units.store(0, Ordering::SeqCst);
            return Err(StoreError::Backend(
                "deferred work was lost before it reached the disk (a failed COMMIT or sync): nothing more is written; restart".into(),
            ));
        }
        Ok(())
    }

    /// Commits the open transaction, if one is open: every unit released into it is then
    /// in the WAL, numbered for group commit like any commit.
    pub(super) fn commit(&self, w: &Connection, group: &Group) -> StoreResult<()> {
        self.check(w, group)?;
        if w.is_autocommit() {
            return Ok(());
        }
        if let Err(e) = blocking(|| w.execute_batch("COMMIT")) {
            let _ = w.execute_batch("ROLLBACK");
            self.lost(Some(group));
            return Err(e.into());
        }
        self.units.store(0, Ordering::SeqCst);
        group.committed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// The open transaction is gone with the units released into it: if there were any,
    /// nothing is reported durable any more (see the module comment).
    fn lost(&self, group: Option<&Group>) {
        let units = self.units.swap(0, Ordering::SeqCst);
        if units > 0 {
            tracing::error!(units, "SQLite lost a batch of committed units of work before its COMMIT");
            if let Some(g) = group {
                g.failed.store(true, Ordering::SeqCst);
            }
        }
    }
}
