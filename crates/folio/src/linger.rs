//! Closing a connection so the client reads the answer, even when it is still sending.
//!
//! A request refused before its body was read (413 from `Content-Length`, 401 before a large
//! upload) leaves the client writing. If the server then closes the socket with unread bytes,
//! the kernel answers with a reset and most clients (Python's urllib, anything that sends the
//! whole body before reading) report a broken pipe instead of the answer. So, as nginx's
//! `lingering_close` does, closing here first shuts down the sending side (the client gets the
//! whole answer and an end of stream), then reads and discards what the client still sends,
//! until it closes too, [`LINGER_BYTES`] were read or [`LINGER_TIME`] passed.
//!
//! Hand-written because hyper leaves closing to the I/O type and no maintained crate offers
//! this for tokio streams; it is a wrapper around `poll_shutdown`, nothing more.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Sleep, sleep};

/// The most a closing connection reads and discards.
pub const LINGER_BYTES: usize = 16 * 1024 * 1024;
/// The longest a closing connection waits for the client to stop sending.
pub const LINGER_TIME: Duration = Duration::from_secs(5);

/// A TCP stream whose shutdown lingers as described above.
#[derive(Debug)]
pub struct Lingering {
    stream: TcpStream,
    /// Set once the sending side is shut: when to give up, and how much was discarded.
    closing: Option<(Pin<Box<Sleep>>, usize)>,
}

impl Lingering {
    pub fn new(stream: TcpStream) -> Self {
        Self { stream, closing: None }
    }
}

impl AsyncRead for Lingering {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.closing.is_none() {
            ready!(Pin::new(&mut this.stream).poll_shutdown(cx))?;
            this.closing = Some((Box::pin(sleep(LINGER_TIME)), 0));
        }
        let (deadline, discarded) = this.closing.as_mut().expect("set above");
        let mut scratch = [0u8; 8192];
        loop {
            if *discarded >= LINGER_BYTES || deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(()));
            }
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.stream).poll_read(cx, &mut buf) {
                // The client closed its side (or the connection broke): nothing more to wait for.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => *discarded += buf.filled().len(),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
