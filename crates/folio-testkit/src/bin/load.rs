//! An open-loop load generator: sends requests at a fixed rate whatever the server does (so a
//! slow or failing server shows up as latency and errors, not as fewer requests), and reports
//! every outcome.
//!
//! ```text
//! load --rate 200 --seconds 30 [--token T] [--timeout 10] [--timeline] \
//!      GET http://127.0.0.1:3001/api/projects  POST http://…/api/projects '{"title":…}'  …
//! ```
//! Targets are `METHOD URL` (GET, DELETE) or `METHOD URL BODY` (POST, PUT: a JSON body); they
//! are used in turn. Prints one JSON summary on stdout; with `--timeline`, one JSON line per
//! second on stderr as it goes (the summary fields plus `t`, the second).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Mutex;

#[derive(Debug, Clone)]
struct Target {
    method: reqwest::Method,
    url: String,
    body: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Tally {
    /// Responses by status code.
    statuses: BTreeMap<u16, u64>,
    /// Requests that got no response (refused, reset, timed out), by what went wrong
    /// (`error_kind`).
    error_kinds: BTreeMap<String, u64>,
    /// Latency in microseconds of every request sent, answered or not.
    latencies: Vec<u64>,
}

#[derive(Debug, Serialize)]
struct Summary {
    sent: u64,
    ok: u64,
    failed: u64,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
    error_kinds: BTreeMap<String, u64>,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    seconds: f64,
}

fn usage() -> ExitCode {
    eprintln!("usage: load --rate N --seconds S [--token T] [--timeout S] [--timeline] METHOD URL [BODY] …");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut rate, mut seconds, mut token, mut timeout, mut timeline) = (100.0_f64, 10.0_f64, None, 10.0_f64, false);
    let mut targets = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rate" => rate = args.next().and_then(|v| v.parse().ok()).unwrap_or(0.0),
            "--seconds" => seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(0.0),
            "--timeout" => timeout = args.next().and_then(|v| v.parse().ok()).unwrap_or(0.0),
            "--token" => token = args.next(),
            "--timeline" => timeline = true,
            method => {
                let Ok(method) = method.parse::<reqwest::Method>() else { return usage() };
                let Some(url) = args.next() else { return usage() };
                let body =
                    matches!(method, reqwest::Method::POST | reqwest::Method::PUT).then(|| args.next()).flatten();
                targets.push(Target { method, url, body });
            }
        }
    }
    if targets.is_empty() || rate <= 0.0 || seconds <= 0.0 || timeout <= 0.0 {
        return usage();
    }
    let client = reqwest::Client::builder().timeout(Duration::from_secs_f64(timeout)).build().expect("HTTP client");
    let tally = Arc::new(Mutex::new(Tally::default()));
    let per_second = Arc::new(Mutex::new(BTreeMap::<u64, Tally>::new()));
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let total = (rate * seconds).round() as u64;
    let mut tasks = tokio::task::JoinSet::new();
    let mut printed = 0;
    for i in 0..total {
        // Open loop: each request leaves at its scheduled time, however the others are doing.
        tokio::time::sleep_until((started + interval.mul_f64(i as f64)).into()).await;
        let target = targets[(i as usize) % targets.len()].clone();
        let (client, all, by_second, token) = (client.clone(), tally.clone(), per_second.clone(), token.clone());
        tasks.spawn(async move {
            let sent_at = Instant::now();
            let mut request = client.request(target.method, &target.url);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = target.body {
                request = request.header("content-type", "application/json").body(body);
            }
            let outcome = request.send().await.map(|r| r.status().as_u16()).map_err(|e| error_kind(&e));
            let micros = sent_at.elapsed().as_micros() as u64;
            let second = sent_at.duration_since(started).as_secs();
            let (mut all, mut by_second) = (all.lock().await, by_second.lock().await);
            for t in [&mut *all, by_second.entry(second).or_default()] {
                t.latencies.push(micros);
                match &outcome {
                    Ok(code) => *t.statuses.entry(*code).or_default() += 1,
                    Err(kind) => *t.error_kinds.entry(kind.clone()).or_default() += 1,
                }
            }
        });
        if timeline {
            // A second is reported once the next has begun (its late answers may still come).
            let done = started.elapsed().as_secs().saturating_sub(1);
            while printed < done {
                print_second(&per_second, printed).await;
                printed += 1;
            }
        }
    }
    while tasks.join_next().await.is_some() {}
    if timeline {
        let last = per_second.lock().await.keys().next_back().copied().unwrap_or(0);
        while printed <= last {
            print_second(&per_second, printed).await;
            printed += 1;
        }
    }
    let mut tally = tally.lock().await.clone();
    let summary = summarise(&mut tally, started.elapsed());
    println!("{}", serde_json::to_string(&summary).expect("JSON"));
    ExitCode::SUCCESS
}

async fn print_second(per_second: &Mutex<BTreeMap<u64, Tally>>, second: u64) {
    if let Some(t) = per_second.lock().await.get_mut(&second) {
        let mut line = serde_json::to_value(summarise(t, Duration::from_secs(1))).expect("JSON");
        line["t"] = second.into();
        eprintln!("{line}");
    }
}

/// What went wrong with a request that got no response, in a few words: the client's own
/// classification and the innermost cause (e.g. `request: Connection reset by peer (os error 104)`).
fn error_kind(error: &reqwest::Error) -> String {
    let class = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    };
    let mut cause: &dyn std::error::Error = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    format!("{class}: {cause}")
}

fn summarise(t: &mut Tally, elapsed: Duration) -> Summary {
    t.latencies.sort_unstable();
    let pct = |p: f64| {
        if t.latencies.is_empty() {
            return 0.0;
        }
        let i = ((t.latencies.len() as f64 - 1.0) * p).round() as usize;
        t.latencies[i] as f64 / 1000.0
    };
    let ok = t.statuses.iter().filter(|(code, _)| (200..400).contains(*code)).map(|(_, n)| n).sum();
    Summary {
        sent: t.latencies.len() as u64,
        ok,
        failed: t.latencies.len() as u64 - ok,
        statuses: t.statuses.clone(),
        errors: t.error_kinds.values().sum(),
        error_kinds: t.error_kinds.clone(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: t.latencies.last().map_or(0.0, |m| *m as f64 / 1000.0),
        seconds: elapsed.as_secs_f64(),
    }
}
