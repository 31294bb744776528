//! Cluster jobs on engines the user already has, no coordinator of ours: a Slurm job
//! array and a Kubernetes Indexed Job. Each task runs the same binary with the same
//! flags as a laptop run, `corridor sweep run PLAN --shard … --out DIR`, and the shard
//! comes from the engine's task index (`SLURM_ARRAY_TASK_ID`, `JOB_COMPLETION_INDEX`).
//! The Slurm script names the shard count itself (`--shard "${SLURM_ARRAY_TASK_ID}/N"`):
//! a task resubmitted alone (`sbatch --array=7`) is an array of one, whose
//! `SLURM_ARRAY_TASK_COUNT` is 1, not N.

/// Environment variables `--shard env` reads: the index, then the count.
pub const SHARD_ENV: &[(&str, &str)] = &[
    ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"),
    ("JOB_COMPLETION_INDEX", "CORRIDOR_SHARD_COUNT"),
];

/// What a job runs.
#[derive(Clone, Debug)]
pub struct Job {
    /// The sweep's name (the job's name).
    pub name: String,
    /// The plan's path, as the tasks see it.
    pub plan: String,
    /// The results directory, as the tasks see it.
    pub out: String,
    /// Shards (tasks).
    pub shards: u64,
    /// CPUs per task (the run's threads).
    pub cpus: u32,
    /// `--data DIR`, when given.
    pub data: Option<String>,
    /// `--projects FILE`s.
    pub projects: Vec<String>,
}

/// Quote a word for a POSIX shell.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

impl Job {
    /// The arguments after the binary, for one task: its `--shard` and `--threads`.
    pub fn args(&self, shard: &str, threads: &str) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(d) = &self.data {
            a.extend(["--data".into(), d.clone()]);
        }
        a.extend([
            "sweep".into(),
            "run".into(),
            self.plan.clone(),
            "--shard".into(),
            shard.into(),
            "--out".into(),
            self.out.clone(),
            "--threads".into(),
            threads.into(),
            "--quiet".into(),
        ]);
        for p in &self.projects {
            a.extend(["--projects".into(), p.clone()]);
        }
        a
    }

    /// A Slurm batch script: a job array of `shards` tasks, each one shard; `binary` is
    /// the `corridor` the tasks run (the `CORRIDOR` environment variable overrides it).
    pub fn slurm(&self, binary: &str, time: &str) -> String {
        let args: Vec<String> = self
            .args(
                &format!("${{SLURM_ARRAY_TASK_ID}}/{}", self.shards),
                "${SLURM_CPUS_PER_TASK:-1}",
            )
            .iter()
            .map(|a| {
                if a.starts_with("${") {
                    format!("\"{a}\"")
                } else {
                    sh_quote(a)
                }
            })
            .collect();
        // The binary as the shell's `"${CORRIDOR:-…}"`, so the summarise line works as
        // printed whether or not CORRIDOR is set (inside double quotes, escaped).
        let default: String = binary
            .chars()
            .flat_map(|c| "\\\"$`}".contains(c).then_some('\\').into_iter().chain([c]))
            .collect();
        let corridor = format!("\"${{CORRIDOR:-{default}}}\"");
        let summary = format!(
            "{corridor} sweep summarize {} --csv > {}",
            sh_quote(&self.out),
            sh_quote(&format!("{}/summary.csv", self.out))
        );
        format!(
            "#!/bin/bash\n\
             # Corridor sweep `{name}`: {n} shards as a Slurm job array, one shard a task.\n\
             # Submit, then summarise once every task has finished:\n\
             #   jobid=$(sbatch --parsable THIS_SCRIPT)\n\
             #   sbatch --dependency=afterok:$jobid --wrap={wrap}\n\
             # A task that fails or is killed can be resubmitted alone (sbatch --array=I THIS_SCRIPT):\n\
             # it skips its complete parts and resumes the rest.\n\
             #SBATCH --job-name=corridor-{name}\n\
             #SBATCH --array=0-{last}\n\
             #SBATCH --cpus-per-task={cpus}\n\
             #SBATCH --time={time}\n\
             #SBATCH --output=corridor-{name}-%A_%a.out\n\
             set -euo pipefail\n\
             CORRIDOR={corridor}\n\
             exec \"$CORRIDOR\" {args}\n",
            name = self.name,
            n = self.shards,
            last = self.shards - 1,
            cpus = self.cpus,
            wrap = sh_quote(&summary),
            args = args.join(" "),
        )
    }

    /// A Kubernetes Indexed Job: `shards` completions, each pod one shard, the plan and
    /// results on a volume mounted at `mount` (paths relative to it), the image running
    /// `corridor`.
    pub fn kubernetes(&self, image: &str, claim: &str, mount: &str) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("a string");
        let command: Vec<String> = std::iter::once("corridor".to_string())
            .chain(self.args("env", &self.cpus.to_string()))
            .map(|a| q(&a))
            .collect();
        format!(
            "# Corridor sweep `{name}`: {n} shards as a Kubernetes Indexed Job, one shard a pod\n\
             # (JOB_COMPLETION_INDEX). The plan and the results are on the volume `{claim}`,\n\
             # mounted at {mount}; a failed pod is retried and resumes its shard.\n\
             # kubectl apply -f THIS_FILE; then: corridor sweep summarize {out}\n\
             apiVersion: batch/v1\n\
             kind: Job\n\
             metadata:\n  name: {job}\n  labels:\n    app.kubernetes.io/name: corridor-sweep\n\
             spec:\n  completionMode: Indexed\n  completions: {n}\n  parallelism: {n}\n  backoffLimit: {backoff}\n\
             \x20 template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: corridor-sweep\n\
             \x20   spec:\n      restartPolicy: OnFailure\n      containers:\n\
             \x20       - name: sweep\n          image: {image}\n          workingDir: {wd}\n\
             \x20         command: [{command}]\n\
             \x20         env:\n            - name: CORRIDOR_SHARD_COUNT\n              value: \"{n}\"\n\
             \x20         resources:\n            requests:\n              cpu: \"{cpus}\"\n\
             \x20         volumeMounts:\n            - name: sweep\n              mountPath: {wd}\n\
             \x20     volumes:\n        - name: sweep\n          persistentVolumeClaim:\n            claimName: {claim_q}\n",
            name = self.name,
            n = self.shards,
            claim = claim,
            mount = mount,
            out = self.out,
            job = q(&format!("corridor-{}", self.name)),
            backoff = (self.shards * 3).min(1000),
            image = q(image),
            wd = q(mount),
            command = command.join(", "),
            cpus = self.cpus,
            claim_q = q(claim),
        )
    }
}

/// Why `--shard env` cannot tell the shard.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EnvError {
    /// Neither engine's index is set.
    #[error(
        "--shard env reads SLURM_ARRAY_TASK_ID (Slurm job arrays) or JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs); neither is set"
    )]
    Missing,
    /// The index is set but not the count.
    #[error("{index} is set but not {count}, which gives the number of shards")]
    NoCount {
        /// The index variable.
        index: &'static str,
        /// The count variable.
        count: &'static str,
    },
    /// A value is not a number, or the index is not below the count.
    #[error("{name}={value} is not a valid shard {what}")]
    Bad {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// `index` or `count`.
        what: &'static str,
    },
}

/// The shard (index, count) from the engine's environment, read through `get`.
pub fn shard_from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<(u64, u64), EnvError> {
    for (iv, cv) in SHARD_ENV {
        let Some(i) = get(iv) else { continue };
        let c = get(cv).ok_or(EnvError::NoCount {
            index: iv,
            count: cv,
        })?;
        let count: u64 =
            c.trim()
                .parse()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| EnvError::Bad {
                    name: cv,
                    value: c.clone(),
                    what: "count",
                })?;
        let index: u64 = i
            .trim()
            .parse()
            .ok()
            .filter(|&x| x < count)
            .ok_or_else(|| EnvError::Bad {
                name: iv,
                value: i.clone(),
                what: "index",
            })?;
        return Ok((index, count));
    }
    Err(EnvError::Missing)
}
