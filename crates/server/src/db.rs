//! Persistence in SQLite: saved scenarios (with a version per edit) and jobs with their
//! results (with the Corridor version and the dataset's hash that made them).
//!
//! The database is created on first start and migrated by `PRAGMA user_version`: each
//! migration runs in one transaction with the version it sets, so a crash leaves the old
//! schema or the new one. WAL journal with `synchronous = FULL`: a saved scenario is there
//! after a kill, whole, or not at all.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use utoipa::ToSchema;

/// The schema, one migration per version (index 0 brings version 1).
const MIGRATIONS: &[&str] = &["CREATE TABLE scenarios (
        name TEXT PRIMARY KEY,
        toml TEXT NOT NULL,
        version INTEGER NOT NULL,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL
    );
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        request TEXT NOT NULL,
        client TEXT NOT NULL,
        state TEXT NOT NULL,
        error TEXT,
        corridor_version TEXT NOT NULL,
        dataset_hash TEXT NOT NULL,
        submitted INTEGER NOT NULL,
        finished INTEGER,
        result TEXT
    );"];

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite refused.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was made by a newer Corridor.
    #[error("the database has schema version {found}; this Corridor knows up to {known}")]
    Newer {
        /// Its version.
        found: i64,
        /// Ours.
        known: i64,
    },
    /// No such row.
    #[error("not found")]
    NotFound,
    /// A row with that key exists.
    #[error("already exists")]
    Exists,
    /// The edit was made against another version.
    #[error("version conflict: the current version is {current}")]
    Conflict {
        /// The current version.
        current: i64,
    },
}

/// A saved scenario.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SavedScenario {
    /// Its name (the TOML's `name`).
    pub name: String,
    /// The TOML text.
    pub toml: String,
    /// Incremented by every edit; an edit names the version it was made against.
    pub version: i64,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds.
    pub updated: i64,
}

/// A job as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRow {
    /// Its id.
    pub id: i64,
    /// `simulate`, `scenario_run`, `scenario_compare`.
    pub kind: String,
    /// The request, JSON.
    pub request: String,
    /// `queued`, `running`, `done`, `failed`, `cancelled`, `interrupted`.
    pub state: String,
    /// Why it failed (the error body, JSON).
    pub error: Option<String>,
    /// The Corridor version that ran it.
    pub corridor_version: String,
    /// The hash of the dataset and parameters it ran on.
    pub dataset_hash: String,
    /// Unix seconds.
    pub submitted: i64,
    /// Unix seconds.
    pub finished: Option<i64>,
    /// Whether a result is stored.
    pub has_result: bool,
}

/// The database: one connection behind a lock (every statement is short).
pub struct Db {
    conn: Mutex<Connection>,
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Db {
    /// Open (or create) the database file and migrate it; jobs that were queued or running
    /// when the server stopped are marked `interrupted`.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        Db::setup(Connection::open(path)?)
    }

    /// An in-memory database (tests).
    pub fn memory() -> Result<Db, DbError> {
        Db::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Db, DbError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        conn.execute(
            "UPDATE jobs SET state = 'interrupted', finished = ?1 WHERE state IN ('queued', 'running')",
            params![now()],
        )?;
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction half done: SQLite
        // rolls it back when the transaction is dropped.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<i64, DbError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Every saved scenario, by name.
    pub fn scenarios(&self) -> Result<Vec<SavedScenario>, DbError> {
        let c = self.conn();
        let mut st =
            c.prepare("SELECT name, toml, version, created, updated FROM scenarios ORDER BY name")?;
        let rows = st.query_map([], scenario_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A saved scenario.
    pub fn scenario(&self, name: &str) -> Result<Option<SavedScenario>, DbError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name, toml, version, created, updated FROM scenarios WHERE name = ?1",
                params![name],
                scenario_row,
            )
            .optional()?)
    }

    /// Save a new scenario (version 1).
    pub fn create_scenario(&self, name: &str, toml: &str) -> Result<SavedScenario, DbError> {
        let t = now();
        let mut c = self.conn();
        let tx = c.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM scenarios WHERE name = ?1)",
            params![name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(DbError::Exists);
        }
        tx.execute(
            "INSERT INTO scenarios (name, toml, version, created, updated) VALUES (?1, ?2, 1, ?3, ?3)",
            params![name, toml, t],
        )?;
        tx.commit()?;
        Ok(SavedScenario {
            name: name.to_string(),
            toml: toml.to_string(),
            version: 1,
            created: t,
            updated: t,
        })
    }

    /// Replace a scenario's text, if its version is still `version`.
    pub fn update_scenario(
        &self,
        name: &str,
        toml: &str,
        version: i64,
    ) -> Result<SavedScenario, DbError> {
        let t = now();
        let mut c = self.conn();
        let tx = c.transaction()?;
        let current = current_version(&tx, name)?;
        if current != version {
            return Err(DbError::Conflict { current });
        }
        tx.execute(
            "UPDATE scenarios SET toml = ?2, version = version + 1, updated = ?3 WHERE name = ?1",
            params![name, toml, t],
        )?;
        let s = tx.query_row(
            "SELECT name, toml, version, created, updated FROM scenarios WHERE name = ?1",
            params![name],
            scenario_row,
        )?;
        tx.commit()?;
        Ok(s)
    }

    /// Delete a scenario, if its version is still `version`.
    pub fn delete_scenario(&self, name: &str, version: i64) -> Result<(), DbError> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        let current = current_version(&tx, name)?;
        if current != version {
            return Err(DbError::Conflict { current });
        }
        tx.execute("DELETE FROM scenarios WHERE name = ?1", params![name])?;
        tx.commit()?;
        Ok(())
    }

    /// Record a submitted job; returns its id.
    pub fn insert_job(
        &self,
        kind: &str,
        request: &str,
        client: &str,
        dataset_hash: &str,
    ) -> Result<i64, DbError> {
        let c = self.conn();
        c.execute(
            "INSERT INTO jobs (kind, request, client, state, corridor_version, dataset_hash, submitted)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6)",
            params![kind, request, client, crate::VERSION, dataset_hash, now()],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// Set a job's state (`running`).
    pub fn set_job_state(&self, id: i64, state: &str) -> Result<(), DbError> {
        self.conn().execute(
            "UPDATE jobs SET state = ?2 WHERE id = ?1",
            params![id, state],
        )?;
        Ok(())
    }

    /// A job's end: its final state, its result (JSON) or its error (JSON).
    pub fn finish_job(
        &self,
        id: i64,
        state: &str,
        result: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), DbError> {
        self.conn().execute(
            "UPDATE jobs SET state = ?2, result = ?3, error = ?4, finished = ?5 WHERE id = ?1",
            params![id, state, result, error, now()],
        )?;
        Ok(())
    }

    /// A job.
    pub fn job(&self, id: i64) -> Result<Option<JobRow>, DbError> {
        Ok(self
            .conn()
            .query_row(
                &format!("{JOB_COLUMNS} WHERE id = ?1"),
                params![id],
                job_row,
            )
            .optional()?)
    }

    /// The latest jobs, newest first.
    pub fn jobs(&self, limit: u32) -> Result<Vec<JobRow>, DbError> {
        let c = self.conn();
        let mut st = c.prepare(&format!("{JOB_COLUMNS} ORDER BY id DESC LIMIT ?1"))?;
        let rows = st.query_map(params![limit], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A job's result (JSON text).
    pub fn job_result(&self, id: i64) -> Result<Option<String>, DbError> {
        Ok(self
            .conn()
            .query_row("SELECT result FROM jobs WHERE id = ?1", params![id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }
}

const JOB_COLUMNS: &str = "SELECT id, kind, request, state, error, corridor_version, dataset_hash, submitted, finished, result IS NOT NULL FROM jobs";

fn job_row(r: &rusqlite::Row) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        request: r.get(2)?,
        state: r.get(3)?,
        error: r.get(4)?,
        corridor_version: r.get(5)?,
        dataset_hash: r.get(6)?,
        submitted: r.get(7)?,
        finished: r.get(8)?,
        has_result: r.get(9)?,
    })
}

fn scenario_row(r: &rusqlite::Row) -> rusqlite::Result<SavedScenario> {
    Ok(SavedScenario {
        name: r.get(0)?,
        toml: r.get(1)?,
        version: r.get(2)?,
        created: r.get(3)?,
        updated: r.get(4)?,
    })
}

fn current_version(tx: &rusqlite::Transaction, name: &str) -> Result<i64, DbError> {
    tx.query_row(
        "SELECT version FROM scenarios WHERE name = ?1",
        params![name],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(DbError::NotFound)
}

fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(DbError::Newer { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_versions_and_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let db = Db::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let s = db.create_scenario("a", "name = \"a\"").unwrap();
        assert_eq!(s.version, 1);
        assert!(matches!(db.create_scenario("a", "x"), Err(DbError::Exists)));
        assert_eq!(db.update_scenario("a", "y", 1).unwrap().version, 2);
        assert!(matches!(
            db.update_scenario("a", "z", 1),
            Err(DbError::Conflict { current: 2 })
        ));
        assert_eq!(db.scenario("a").unwrap().unwrap().toml, "y");
        let id = db.insert_job("simulate", "{}", "local", "h").unwrap();
        db.set_job_state(id, "running").unwrap();
        drop(db);
        // Reopened: the same schema, the scenario there, the running job interrupted.
        let db = Db::open(&path).unwrap();
        assert_eq!(db.scenarios().unwrap().len(), 1);
        assert_eq!(db.job(id).unwrap().unwrap().state, "interrupted");
        assert!(matches!(
            db.delete_scenario("a", 1),
            Err(DbError::Conflict { current: 2 })
        ));
        db.delete_scenario("a", 2).unwrap();
        assert!(matches!(db.delete_scenario("a", 2), Err(DbError::NotFound)));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(matches!(
            Db::open(&path),
            Err(DbError::Newer { found: 99, .. })
        ));
    }
}
