//! The test kit's SMTP sink as a process, for scripts that run `folio` with `SMTP_URL` (the
//! observability test, the infrastructure test): `smtp-sink [ADDRESS]` listens on ADDRESS
//! (default a free port on 127.0.0.1; the infrastructure test uses the submission port a
//! deployment's security group opens, e.g. 127.0.0.61:587), prints the URL to give Folio on
//! its first line, then one JSON line per message received (`from`, `to`, `data`), and runs
//! until its standard input closes or it is signalled.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use folio_testkit::SmtpSink;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let address = match std::env::args().nth(1).map(|a| a.parse::<SocketAddr>()) {
        None => SocketAddr::from(([127, 0, 0, 1], 0)),
        Some(Ok(address)) => address,
        Some(Err(_)) => {
            eprintln!("usage: smtp-sink [ADDRESS], e.g. 127.0.0.1:2525");
            return ExitCode::from(2);
        }
    };
    let sink = SmtpSink::start_on(address).await;
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
            println!("{}", serde_json::to_string(mail).expect("a received mail serialises"));
        }
        reported = received.len();
    }
    ExitCode::SUCCESS
}
