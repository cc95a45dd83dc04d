//! `test-smtp ADDRESS FILE`: the test kit's SMTP sink on ADDRESS (e.g. `127.0.0.61:587`, the
//! submission port a deployment's security group opens), appending each message it receives
//! to FILE as one JSON line (`from`, `to`, `data`). Runs until it is killed. The
//! infrastructure test points a deployment's SMTP_URL at it.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use folio_testkit::SmtpSink;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [address, file] = args.as_slice() else {
        eprintln!("usage: test-smtp ADDRESS FILE");
        return ExitCode::from(2);
    };
    let Ok(address) = address.parse::<SocketAddr>() else {
        eprintln!("test-smtp: {address:?} is not an address like 127.0.0.1:587");
        return ExitCode::from(2);
    };
    let sink = SmtpSink::start_on(address).await;
    let mut out = match std::fs::OpenOptions::new().create(true).append(true).open(file) {
        Ok(out) => out,
        Err(error) => {
            eprintln!("test-smtp: cannot open {file}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", sink.url());
    let mut written = 0;
    loop {
        let received = sink.received();
        for mail in &received[written..] {
            let line = serde_json::to_string(mail).expect("a received mail serialises");
            if writeln!(out, "{line}").is_err() {
                return ExitCode::FAILURE;
            }
        }
        written = received.len();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
