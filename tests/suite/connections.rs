//! The hostile-connection cases against `nna-local`: headers trickled, half a request line, idle
//! keep-alive connections and stalled bodies are all closed within their bounds; one connection
//! past the limit is refused at once; health answers throughout.

use crate::support::{Server, auth};
use nna_local::serve::ConnectionLimits;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMITS: ConnectionLimits = ConnectionLimits {
    header_timeout: Duration::from_millis(2000),
    idle_timeout: Duration::from_millis(1500),
    body_timeout: Duration::from_millis(2000),
    max_connections: 40,
};

async fn open(s: &Server, first: &str) -> TcpStream {
    let mut c = TcpStream::connect(s.base.trim_start_matches("http://")).await.unwrap();
    c.write_all(first.as_bytes()).await.unwrap();
    c
}

/// Everything the server sends until it closes the connection, or `None` if it is still open
/// after `wait`.
async fn until_closed(c: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        loop {
            match c.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| String::from_utf8_lossy(&got).into_owned())
}

async fn health_answers(s: &Server) {
    let clock = Instant::now();
    let r = s.get("/api/health").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(clock.elapsed() < Duration::from_secs(1), "health took {:?}", clock.elapsed());
}

#[tokio::test]
async fn slow_idle_and_surplus_connections_are_closed_and_health_answers_throughout() {
    let s = Server::start_with(|c| c.connections = LIMITS).await;
    health_answers(&s).await;
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(("trickled headers", open(&s, "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ").await));
    }
    for _ in 0..8 {
        held.push(("half a request line", open(&s, "GET /api/hea").await));
    }
    for _ in 0..8 {
        let mut c = open(&s, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n").await;
        let mut buf = [0u8; 1024];
        assert!(c.read(&mut buf).await.unwrap() > 0, "the first request is answered");
        held.push(("idle keep-alive", c));
    }
    let token = auth::token(auth::admin());
    for _ in 0..6 {
        let head = format!(
            "POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"layer\": \"L\""
        );
        held.push(("stalled body", open(&s, &head).await));
    }
    // Trickling goes on while health is asked.
    for _ in 0..3 {
        for (_, c) in held.iter_mut().filter(|(what, _)| *what == "trickled headers") {
            let _ = c.write_all(b"a").await;
        }
        health_answers(&s).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    // 30 held and the test client's: the rest of 40 are taken, and the next are refused at once.
    let mut opened = Vec::new();
    for _ in 0..20 {
        opened.push((Instant::now(), open(&s, "").await));
    }
    let (mut spare, mut refused) = (Vec::new(), 0);
    for (at, mut c) in opened {
        // A refusal is already there; an accepted connection says nothing (and stays open).
        match until_closed(&mut c, Duration::from_millis(50)).await {
            Some(answer) => {
                assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
                assert!(answer.contains("too_many_connections"), "{answer}");
                assert!(at.elapsed() < Duration::from_secs(1), "refused after {:?}", at.elapsed());
                refused += 1;
            }
            None => spare.push(c),
        }
    }
    assert!(refused >= 5 && spare.len() <= 10, "refused {refused}, accepted {}", spare.len());

    // Every held connection is closed within its bound (and a stalled body is told why).
    for (what, mut c) in held {
        let answer = until_closed(&mut c, Duration::from_secs(4)).await;
        let answer = answer.unwrap_or_else(|| panic!("a {what} connection is still open"));
        if what == "stalled body" {
            assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
            assert!(answer.contains("body_timeout"), "{answer}");
        }
    }
    for mut c in spare {
        assert!(until_closed(&mut c, Duration::from_secs(4)).await.is_some(), "an idle spare connection is open");
    }
    health_answers(&s).await;
    assert_eq!(s.count().await, 0);
}
