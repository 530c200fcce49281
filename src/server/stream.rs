//! Streamed responses: git work on the bounded pool writes a body that goes to the socket
//! as it is produced (a chunked HTTP/1.1 body), instead of a buffered document.
//!
//! The work first decides the status: it either [`Starter::fail`]s with a whole response
//! (an unknown repository or revision still gets its 404 or 400) or [`Starter::start`]s
//! the 200 and gets a [`BodyWriter`]. The writer hands every complete line to the body at
//! once (NDJSON: one object per line, as the sink writes it) and waits, at most the
//! stall bound per chunk, for a slow client; a client that leaves or stalls past it ends
//! the work with an I/O error. A work that fails after the first chunk either ends its
//! body in the format's own way (NDJSON: a last `{"error"}` line) or [`Abort::abort`]s
//! it: the connection is cut, so no client takes a cut document for a whole one. The
//! diff permit is held until the work returns, so streams count against the bound on
//! concurrent diffs like any other diff.

use super::error::{Failure, Service};
use super::pool::Pool;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// What the body receives: data, or an error that cuts the connection.
type Chunk = Result<Bytes, io::Error>;

/// A chunk larger than this is sent even without a line end.
const MAX_BUFFERED: usize = 64 * 1024;

/// How a stream's work begins: one of [`Starter::start`] or [`Starter::fail`].
pub struct Starter {
    begin: oneshot::Sender<Begin>,
    body: mpsc::Sender<Chunk>,
    stall: Duration,
    handle: tokio::runtime::Handle,
}

enum Begin {
    Stream,
    Fail(Response),
}

impl Starter {
    /// Answers with this response instead of a stream.
    pub fn fail(self, response: Response) {
        let _ = self.begin.send(Begin::Fail(response));
    }

    /// Answers 200 and returns the writer of the body.
    pub fn start(self) -> BodyWriter {
        let _ = self.begin.send(Begin::Stream);
        BodyWriter {
            tx: self.body,
            buf: Vec::new(),
            stall: self.stall,
            handle: self.handle,
        }
    }
}

/// Writes a streamed body (see the module documentation). Complete lines are sent on
/// every write, the rest on [`Write::flush`] (call it at the end: dropping the writer
/// discards an unterminated tail). Used on the pool's blocking threads only.
pub struct BodyWriter {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
    stall: Duration,
    handle: tokio::runtime::Handle,
}

/// Cuts a streamed body short (see [`BodyWriter::abort_handle`]).
pub struct Abort {
    tx: mpsc::Sender<Chunk>,
    stall: Duration,
    handle: tokio::runtime::Handle,
}

impl Abort {
    /// Ends the body with an error after the chunks already written: the client sees the
    /// connection cut. Waits for room as a write does (the pool's threads only).
    pub fn abort(self) {
        let err = Err(io::Error::other("the answer failed"));
        let _ = self
            .handle
            .block_on(tokio::time::timeout(self.stall, self.tx.send(err)));
    }
}

impl BodyWriter {
    /// A handle that aborts this body, usable after the writer was given away.
    pub fn abort_handle(&self) -> Abort {
        Abort {
            tx: self.tx.clone(),
            stall: self.stall,
            handle: self.handle.clone(),
        }
    }

    fn send(&mut self, upto: usize) -> io::Result<()> {
        if upto == 0 {
            return Ok(());
        }
        let chunk = Bytes::from(self.buf.drain(..upto).collect::<Vec<u8>>());
        let sent = self
            .handle
            .block_on(tokio::time::timeout(self.stall, self.tx.send(Ok(chunk))));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client went away",
            )),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
        }
    }
}

impl Write for BodyWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() > MAX_BUFFERED {
            self.send(self.buf.len())?;
        } else if let Some(nl) = memchr::memrchr(b'\n', data) {
            let upto = self.buf.len() - (data.len() - nl - 1);
            self.send(upto)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send(self.buf.len())
    }
}

/// The body end of the channel.
struct ChannelBody(mpsc::Receiver<Chunk>);

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|c| c.map(|r| r.map(Frame::data)))
    }
}

/// Runs `work` as a diff on `pool` and answers with what it starts: a streamed body of
/// `content_type`, or the response it fails with. Pool refusals (503 past the diff
/// bound) and a work that neither starts nor fails are rendered in `service`'s shape.
/// A chunk the client does not take within `stall` ends the work.
pub async fn streamed<F>(
    pool: &Pool,
    service: Service,
    content_type: &'static str,
    stall: Duration,
    work: F,
) -> Response
where
    F: FnOnce(Starter) + Send + 'static,
{
    let (begin, began) = oneshot::channel();
    let (tx, rx) = mpsc::channel(16);
    let starter = Starter {
        begin,
        body: tx,
        stall,
        handle: tokio::runtime::Handle::current(),
    };
    let pool = pool.clone();
    let task = tokio::spawn(async move { pool.diff(move || work(starter)).await });
    match began.await {
        Ok(Begin::Stream) => {
            let mut resp = (StatusCode::OK, Body::new(ChannelBody(rx))).into_response();
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            resp
        }
        Ok(Begin::Fail(resp)) => resp,
        Err(_) => match task.await {
            Ok(Err(f)) => service.render(&f),
            _ => service.render(&Failure::Internal("stream ended before it began".into())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line reaches the body before the work writes the next one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn lines_reach_the_body_as_they_are_written() {
        let pool = Pool::new(2, 2, 1);
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let resp = streamed(
            &pool,
            Service::Native,
            "application/x-ndjson",
            Duration::from_secs(5),
            move |starter| {
                let mut w = starter.start();
                w.write_all(b"{\"n\":1}\n{\"n\"").unwrap();
                // The second line is finished only once the first was read.
                wait.recv_timeout(Duration::from_secs(5)).unwrap();
                w.write_all(b":2}\n").unwrap();
                w.flush().unwrap();
            },
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let mut body = resp.into_body();
        let first = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
        let frame = tokio::time::timeout(Duration::from_secs(5), first)
            .await
            .expect("the first line was held back")
            .unwrap()
            .unwrap();
        assert_eq!(frame.into_data().unwrap(), "{\"n\":1}\n");
        go.send(()).unwrap();
        let rest = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        assert_eq!(rest, "{\"n\":2}\n");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failure_keeps_its_response_and_a_refusal_is_rendered() {
        let pool = Pool::new(4, 2, 7);
        let resp = streamed(&pool, Service::Native, "x/y", Duration::from_secs(1), |s| {
            s.fail(StatusCode::IM_A_TEAPOT.into_response())
        })
        .await;
        assert_eq!(resp.status(), StatusCode::IM_A_TEAPOT);
        let resp = streamed(&pool, Service::Native, "x/y", Duration::from_secs(1), drop).await;
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        // Past the diff bound: the pool's 503 with Retry-After.
        let (held, is_held) = std::sync::mpsc::channel::<()>();
        let mut holders = Vec::new();
        for _ in 0..2 {
            let p = pool.clone();
            let held = held.clone();
            // The diffs above give their permits back when their work ends, which may be
            // just after their responses: a holder refused meanwhile tries again.
            holders.push(tokio::spawn(async move {
                loop {
                    let held = held.clone();
                    let r = p
                        .diff(move || {
                            held.send(()).unwrap();
                            std::thread::sleep(Duration::from_millis(500));
                        })
                        .await;
                    if !matches!(r, Err(Failure::Busy(_))) {
                        break r;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }));
        }
        for _ in 0..2 {
            is_held.recv_timeout(Duration::from_secs(5)).unwrap();
        }
        let resp = streamed(&pool, Service::Native, "x/y", Duration::from_secs(1), |s| {
            drop(s.start())
        })
        .await;
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "7");
        for h in holders {
            h.await.unwrap().unwrap();
        }
    }

    /// An aborted body delivers what was written, then an error (a cut connection).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abort_ends_the_body_with_an_error() {
        let pool = Pool::new(2, 2, 1);
        let resp = streamed(
            &pool,
            Service::CodeStorage,
            "application/json",
            Duration::from_secs(5),
            |starter| {
                let mut w = starter.start();
                let abort = w.abort_handle();
                w.write_all(b"{\"files\":[").unwrap();
                w.flush().unwrap();
                drop(w);
                abort.abort();
            },
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let mut body = resp.into_body();
        let first = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.into_data().unwrap(), "{\"files\":[");
        let next = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        assert!(next.unwrap().is_err());
    }
}
