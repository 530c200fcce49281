//! Git work off the async reactor: every repository read runs on tokio's blocking pool,
//! admitted by two semaphores — one bounding the blocking threads in use (waiting is
//! fine: the work is short), one bounding concurrent diffs (past it the request fails
//! at once with 503 and `Retry-After`, so overload sheds instead of queueing).

use super::error::Failure;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The admission control of git work.
#[derive(Clone, Debug)]
pub struct Pool {
    workers: Arc<Semaphore>,
    diffs: Arc<Semaphore>,
    retry_after: u64,
}

impl Pool {
    /// A pool running at most `workers` blocking tasks and `diffs` diffs at once.
    pub fn new(workers: usize, diffs: usize, retry_after: u64) -> Pool {
        Pool {
            workers: Arc::new(Semaphore::new(workers.max(1))),
            diffs: Arc::new(Semaphore::new(diffs.max(1))),
            retry_after,
        }
    }

    /// Runs blocking work `f` (repository lookups, small reads), waiting for a worker.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let permit = self
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Failure::Internal("worker pool closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| Failure::Internal(format!("worker failed: {e}")))
    }

    /// Runs a diff `f`: refused with [`Failure::Busy`] if the diff bound is reached.
    pub async fn diff<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let permit = self
            .diffs
            .clone()
            .try_acquire_owned()
            .map_err(|_| Failure::Busy(self.retry_after))?;
        let out = self.run(f).await;
        drop(permit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn diffs_past_the_bound_are_refused() {
        let pool = Pool::new(4, 1, 2);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let p = pool.clone();
        let first = tokio::spawn(async move {
            p.diff(move || {
                rx.recv().ok();
                1
            })
            .await
        });
        // Wait until the first diff holds the permit.
        while pool.diffs.available_permits() == 1 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.diff(|| 2).await, Err(Failure::Busy(2)));
        tx.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(1));
        assert_eq!(pool.diff(|| 3).await, Ok(3));
        assert_eq!(pool.run(|| 4).await, Ok(4));
    }
}
