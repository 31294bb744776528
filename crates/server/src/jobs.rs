//! Background jobs: simulations, scenario runs and comparisons. A bounded queue (a
//! submission past it is refused with 503), a per-client cap on jobs queued or running
//! (429), workers that run one job each on a blocking thread in the server's own thread
//! pool, progress for server-sent events (a `watch` channel per job), cancellation asked
//! before each replication, and every job and result kept in the database. The pool's
//! threads run at a lower scheduling priority (nice 10 on Linux) than the threads that
//! answer requests, so a long simulation yields the cores to route queries while they come
//! and takes them back when the server is idle.

use crate::db::{Db, JobRow};
use crate::error::{ApiError, ErrorBody};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};
use utoipa::ToSchema;

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Under way.
    Running,
    /// Finished with a result.
    Done,
    /// Finished with an error.
    Failed,
    /// Stopped by a DELETE.
    Cancelled,
    /// The server stopped while it was queued or running.
    Interrupted,
}

impl JobState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Interrupted => "interrupted",
        }
    }

    fn parse(s: &str) -> JobState {
        match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            "cancelled" => JobState::Cancelled,
            _ => JobState::Interrupted,
        }
    }

    /// Whether it is over.
    pub fn finished(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }
}

/// A job as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct JobStatus {
    /// Its id.
    pub id: i64,
    /// `simulate`, `scenario_run` or `scenario_compare`.
    pub kind: String,
    /// Where it is.
    pub state: JobState,
    /// Steps done (replications, or runs of a comparison) of `total`.
    pub done: u64,
    /// See `done`.
    pub total: u64,
    /// Unix seconds.
    pub submitted: i64,
    /// Unix seconds.
    pub finished: Option<i64>,
    /// Why it failed.
    pub error: Option<ErrorBody>,
    /// The Corridor version that ran it.
    pub corridor_version: String,
    /// The hash of the dataset and parameters it ran on.
    pub dataset_hash: String,
    /// Whether it ran on this server's Corridor version and dataset: an old result is
    /// never mistaken for a current one.
    pub current: bool,
    /// Where its result is, once done.
    pub result: Option<String>,
}

/// The work of a job, run on a blocking thread: it reports progress (done, total) and
/// asks `stop` before each step; it gives the result's JSON, or an error.
pub type Work =
    Box<dyn FnOnce(&(dyn Fn(u64, u64) + Sync), &(dyn Fn() -> bool + Sync)) -> Outcome + Send>;

/// How a job's work ended.
pub enum Outcome {
    /// The result.
    Done(serde_json::Value),
    /// It stopped when asked.
    Cancelled,
    /// It failed.
    Failed(ApiError),
}

struct Active {
    client: String,
    cancel: AtomicBool,
    status: watch::Sender<JobStatus>,
    work: Mutex<Option<Work>>,
}

/// The jobs of a server.
pub struct Jobs {
    db: Arc<Db>,
    active: Mutex<HashMap<i64, Arc<Active>>>,
    tx: mpsc::Sender<i64>,
    rx: tokio::sync::Mutex<mpsc::Receiver<i64>>,
    pool: rayon::ThreadPool,
    dataset_hash: String,
    /// Jobs queued or running at most.
    capacity: usize,
    per_client: usize,
}

/// The limits of the job system.
#[derive(Clone, Copy, Debug)]
pub struct JobLimits {
    /// Jobs waiting beyond those running.
    pub queue: usize,
    /// Jobs running at once.
    pub workers: usize,
    /// Jobs queued or running per client.
    pub per_client: usize,
    /// Threads of the pool the jobs share (0: one per core).
    pub threads: usize,
    /// Whether those threads run at [`JOB_NICE`], below the request threads.
    pub lower_priority: bool,
}

/// How much nicer than the server the job threads run when [`JobLimits::lower_priority`]
/// is set (Linux: a thread 10 nicer gets about a tenth of a core that a request thread
/// also wants, and all of an idle one).
pub const JOB_NICE: i32 = 10;

/// The calling thread's niceness (Linux: field 19 of `/proc/thread-self/stat`).
#[cfg(target_os = "linux")]
pub fn current_nice() -> Option<i32> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let after = stat.get(stat.rfind(')')? + 2..)?;
    after.split(' ').nth(16)?.parse().ok()
}

/// Make the calling thread [`JOB_NICE`] nicer than it is (at most 19, the lowest
/// priority). Where that fails, the thread keeps its priority (jobs then share the cores
/// evenly with requests) and the reason is logged.
#[cfg(target_os = "linux")]
fn lower_this_thread() {
    let Some(now) = current_nice() else {
        eprintln!("corridor serve: job threads keep their priority (no /proc/thread-self/stat)");
        return;
    };
    let want = (now + JOB_NICE).min(19);
    // thread-priority maps its 0..=99 scale onto niceness 19..=-20 (as below); a test
    // checks the niceness the threads get.
    let Some(p) = (0u8..=99).find(|&p| (39.0 * (1.0 - f32::from(p) / 99.0)) as i32 - 20 <= want)
    else {
        return;
    };
    let set = thread_priority::ThreadPriorityValue::try_from(p)
        .map_err(|e| format!("{e:?}"))
        .and_then(|v| {
            thread_priority::set_current_thread_priority(
                thread_priority::ThreadPriority::Crossplatform(v),
            )
            .map_err(|e| format!("{e:?}"))
        });
    if let Err(e) = set {
        eprintln!("corridor serve: job threads keep their priority ({e})");
    }
}

/// Other platforms: the job threads keep the server's priority.
#[cfg(not(target_os = "linux"))]
fn lower_this_thread() {}

impl Jobs {
    /// The job system; `start` launches its workers.
    pub fn new(db: Arc<Db>, dataset_hash: String, limits: JobLimits) -> Result<Jobs, ApiError> {
        let capacity = limits.queue + limits.workers.max(1);
        let (tx, rx) = mpsc::channel(capacity);
        let lower = limits.lower_priority;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(limits.threads)
            .thread_name(|i| format!("corridor-job-{i}"))
            .start_handler(move |_| {
                if lower {
                    lower_this_thread();
                }
            })
            .build()
            .map_err(ApiError::internal)?;
        Ok(Jobs {
            db,
            active: Mutex::new(HashMap::new()),
            tx,
            rx: tokio::sync::Mutex::new(rx),
            pool,
            dataset_hash,
            capacity,
            per_client: limits.per_client,
        })
    }

    /// Launch `workers` workers on the current runtime.
    pub fn start(self: &Arc<Self>, workers: usize) {
        for _ in 0..workers.max(1) {
            let jobs = Arc::clone(self);
            tokio::spawn(async move {
                loop {
                    let id = { jobs.rx.lock().await.recv().await };
                    let Some(id) = id else { break };
                    let j = Arc::clone(&jobs);
                    // A panic in a job is its failure, not the worker's end.
                    let _ = tokio::task::spawn_blocking(move || j.execute(id)).await;
                }
            });
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Active>>> {
        self.active.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a job: its kind, its request (stored), the client, its total steps and work.
    pub fn submit(
        &self,
        kind: &str,
        request: &serde_json::Value,
        client: &str,
        total: u64,
        work: Work,
    ) -> Result<JobStatus, ApiError> {
        let mut active = self.lock();
        if active.values().filter(|a| a.client == client).count() >= self.per_client {
            return Err(ApiError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "at most {} jobs of one client may be queued or running; wait for one to finish or cancel one",
                    self.per_client
                ),
            ));
        }
        if active.len() >= self.capacity {
            return Err(ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "the job queue is full; try again later",
            ));
        }
        let id = self
            .db
            .insert_job(kind, &request.to_string(), client, &self.dataset_hash)?;
        let row = self
            .db
            .job(id)?
            .ok_or_else(|| ApiError::internal("job row vanished"))?;
        let mut status = self.status_of(&row);
        status.total = total;
        let (tx, _) = watch::channel(status.clone());
        let a = Arc::new(Active {
            client: client.to_string(),
            cancel: AtomicBool::new(false),
            status: tx,
            work: Mutex::new(Some(work)),
        });
        self.tx
            .try_send(id)
            .map_err(|_| ApiError::internal("job queue refused a job within its capacity"))?;
        active.insert(id, a);
        Ok(status)
    }

    fn execute(&self, id: i64) {
        let Some(a) = self.lock().get(&id).cloned() else {
            return;
        };
        let work = a.work.lock().unwrap_or_else(|p| p.into_inner()).take();
        let outcome = match work {
            Some(_) if a.cancel.load(Ordering::Relaxed) => Outcome::Cancelled,
            Some(w) => {
                if let Err(e) = self.db.set_job_state(id, "running") {
                    eprintln!("corridor-server: job {id}: {e}");
                }
                a.status.send_modify(|s| s.state = JobState::Running);
                let progress = |done: u64, total: u64| {
                    a.status.send_modify(|s| {
                        s.done = done;
                        s.total = total;
                    })
                };
                let stop = || a.cancel.load(Ordering::Relaxed);
                let run =
                    std::panic::AssertUnwindSafe(|| self.pool.install(|| w(&progress, &stop)));
                std::panic::catch_unwind(run).unwrap_or_else(|_| {
                    Outcome::Failed(ApiError::internal(format!("job {id} panicked")))
                })
            }
            None => Outcome::Cancelled,
        };
        self.finish(id, &a, outcome);
    }

    fn finish(&self, id: i64, a: &Active, outcome: Outcome) {
        let (state, result, error) = match outcome {
            Outcome::Done(v) => (JobState::Done, Some(v.to_string()), None),
            Outcome::Cancelled => (JobState::Cancelled, None, None),
            Outcome::Failed(e) => (JobState::Failed, None, Some(e.body)),
        };
        let error_json = error.as_ref().and_then(|e| serde_json::to_string(e).ok());
        if let Err(e) =
            self.db
                .finish_job(id, state.as_str(), result.as_deref(), error_json.as_deref())
        {
            eprintln!("corridor-server: job {id}: {e}");
        }
        let row = self.db.job(id).ok().flatten();
        self.lock().remove(&id);
        a.status.send_modify(|s| {
            s.state = state;
            s.error = error;
            if let Some(r) = &row {
                s.finished = r.finished;
                s.result = r.has_result.then(|| format!("/api/jobs/{id}/result"));
            }
        });
    }

    /// Ask a job to stop: a queued one is cancelled at once, a running one before its next
    /// replication. A finished job is a conflict.
    pub fn cancel(&self, id: i64) -> Result<JobStatus, ApiError> {
        let a = self.lock().get(&id).cloned();
        match a {
            Some(a) => {
                a.cancel.store(true, Ordering::Relaxed);
                let queued = a.status.borrow().state == JobState::Queued;
                if queued
                    && a.work
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .take()
                        .is_some()
                {
                    self.finish(id, &a, Outcome::Cancelled);
                }
                Ok(a.status.borrow().clone())
            }
            None => match self.db.job(id)? {
                Some(row) => Err(ApiError::conflict(format!(
                    "job {id} is {} already: only a queued or running job can be cancelled",
                    row.state
                ))),
                None => Err(ApiError::not_found(format!("no job {id}"))),
            },
        }
    }

    /// Ask every active job to stop (the server is shutting down): running ones stop
    /// before their next replication; the next start marks what was left `interrupted`.
    pub fn stop_all(&self) {
        for a in self.lock().values() {
            a.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// A job's status: live while active, else as stored.
    pub fn status(&self, id: i64) -> Result<Option<JobStatus>, ApiError> {
        if let Some(a) = self.lock().get(&id) {
            return Ok(Some(a.status.borrow().clone()));
        }
        Ok(self.db.job(id)?.map(|r| self.status_of(&r)))
    }

    /// A receiver of an active job's status changes (`None`: not active).
    pub fn watch(&self, id: i64) -> Option<watch::Receiver<JobStatus>> {
        self.lock().get(&id).map(|a| a.status.subscribe())
    }

    /// The latest jobs.
    pub fn list(&self, limit: u32) -> Result<Vec<JobStatus>, ApiError> {
        let rows = self.db.jobs(limit)?;
        Ok(rows
            .iter()
            .map(|r| match self.lock().get(&r.id) {
                Some(a) => a.status.borrow().clone(),
                None => self.status_of(r),
            })
            .collect())
    }

    fn status_of(&self, r: &JobRow) -> JobStatus {
        JobStatus {
            id: r.id,
            kind: r.kind.clone(),
            state: JobState::parse(&r.state),
            done: 0,
            total: 0,
            submitted: r.submitted,
            finished: r.finished,
            error: r
                .error
                .as_deref()
                .and_then(|e| serde_json::from_str::<ErrorBody>(e).ok()),
            corridor_version: r.corridor_version.clone(),
            dataset_hash: r.dataset_hash.clone(),
            current: r.corridor_version == crate::VERSION && r.dataset_hash == self.dataset_hash,
            result: r.has_result.then(|| format!("/api/jobs/{}/result", r.id)),
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn pool_nice(lower_priority: bool) -> i32 {
        let db = Arc::new(Db::memory().unwrap());
        let limits = JobLimits {
            queue: 1,
            workers: 1,
            per_client: 1,
            threads: 2,
            lower_priority,
        };
        let jobs = Jobs::new(db, "hash".into(), limits).unwrap();
        jobs.pool.install(|| current_nice().unwrap())
    }

    #[test]
    fn job_threads_run_nicer_than_the_request_threads() {
        let here = std::thread::spawn(|| current_nice().unwrap())
            .join()
            .unwrap();
        assert_eq!(pool_nice(false), here);
        assert_eq!(pool_nice(true), (here + JOB_NICE).min(19));
        if here + JOB_NICE < 19 {
            assert!(pool_nice(true) > here);
        }
    }
}
