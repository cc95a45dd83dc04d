//! A minimal SMTP server that accepts every message and keeps it, for testing mail delivery.
//! It can be stopped (its port then refuses connections) and started again on the same port.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One message as the sink received it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body, as sent after DATA.
    pub data: String,
}

/// A running (or stopped) sink.
#[derive(Debug)]
pub struct SmtpSink {
    address: SocketAddr,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    server: Option<JoinHandle<()>>,
}

impl SmtpSink {
    /// Starts on a free port on 127.0.0.1.
    pub async fn start() -> Self {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on `address` (port 0 picks a free one).
    pub async fn start_on(address: SocketAddr) -> Self {
        let listener = TcpListener::bind(address).await.expect("bind the SMTP sink");
        let address = listener.local_addr().expect("address");
        let received = Arc::default();
        let server = Some(tokio::spawn(serve(listener, Arc::clone(&received))));
        Self { address, received, server }
    }

    /// The URL to give Folio as `SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// Stops listening: connections to the port are refused until [`restart`](Self::restart).
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) {
        let listener = TcpListener::bind(self.address).await.expect("rebind the SMTP sink");
        self.server = Some(tokio::spawn(serve(listener, Arc::clone(&self.received))));
    }

    /// Every message received so far.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("sink lock").clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

async fn serve(listener: TcpListener, received: Arc<Mutex<Vec<ReceivedMail>>>) {
    let mut sessions = tokio::task::JoinSet::new();
    // Aborting this task drops the set, which aborts the sessions too.
    while let Ok((stream, _)) = listener.accept().await {
        sessions.spawn(session(stream, Arc::clone(&received)));
    }
}

async fn session(stream: TcpStream, received: Arc<Mutex<Vec<ReceivedMail>>>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"220 folio-test-sink ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 folio-test-sink\r\n"
        } else if let Some(address) = upper.strip_prefix("MAIL FROM:").map(|_| line[10..].trim().to_owned()) {
            from = address;
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().to_owned());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            writer.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            while let Some(line) = lines.next_line().await? {
                if line == "." {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push('\n');
            }
            let mail = ReceivedMail { from: std::mem::take(&mut from), to: std::mem::take(&mut to), data };
            received.lock().expect("sink lock").push(mail);
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            writer.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 command not implemented\r\n"
        };
        writer.write_all(reply).await?;
    }
    Ok(())
}
