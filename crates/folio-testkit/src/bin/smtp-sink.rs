//! The test kit's SMTP sink as a process, for scripts that run `folio` with `SMTP_URL` (the
//! observability test): `smtp-sink` prints the URL to give Folio on its first line, then one
//! line per message received, and runs until its standard input closes or it is signalled.

use std::time::Duration;

use folio_testkit::SmtpSink;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sink = SmtpSink::start().await;
    println!("{}", sink.url());
    let mut closed = tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()));
    let mut reported = 0;
    loop {
        tokio::select! {
            _ = &mut closed => break,
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        let received = sink.received();
        for mail in &received[reported..] {
            println!("received mail from {} to {}", mail.from, mail.to.join(", "));
        }
        reported = received.len();
    }
}
