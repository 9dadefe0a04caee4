//! `GET /api/v1/ws`: analysis events over a WebSocket.
//!
//! Each socket subscribes to the event bus (which, in scaled mode, is fed from Redis pub/sub
//! by `relay_from_redis`, so events of workers anywhere reach every `serve` instance) and
//! forwards, as JSON text messages, the events of repositories the caller may see:
//! `{"type":"queued"|"stage_started"|"progress"|"stage_finished"|"finished"|"failed"|"cancelled",
//! "analysis_id", "repository_id", …}`. The first message is `{"type":"ready"}` (subscribed:
//! nothing published after it is missed). A client too slow to keep up gets
//! `{"type":"resync"}` and should re-read the analyses it shows over REST. The server pings
//! every [`PING_EVERY`]; a client that stays silent for three pings is dropped. Open sockets
//! are counted in the `codevoyage_websockets_active` gauge.
//!
//! No WebSocket compression: axum's `ws` (on tungstenite) does not implement
//! permessage-deflate, so the handshake never offers it; events are small JSON messages.

use crate::analyses::jobs;
use crate::auth::Caller;
use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use codevoyage_jobs::Event;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

/// How often the server pings an idle client.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// How long a repository's visibility is trusted before it is read again.
const VISIBILITY_TTL: Duration = Duration::from_secs(10);

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/ws", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    caller: Caller,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let bus = jobs(&state)?.bus.clone();
    Ok(ws.on_upgrade(move |socket| async move {
        let rx = bus.subscribe();
        run(socket, state, caller, rx).await;
    }))
}

/// Whether the caller may see a repository's events, remembered for [`VISIBILITY_TTL`].
struct Visibility {
    known: HashMap<i64, (bool, Instant)>,
}

impl Visibility {
    async fn allows(&mut self, state: &AppState, caller: &Caller, repository_id: i64) -> bool {
        if let Some((ok, at)) = self.known.get(&repository_id)
            && at.elapsed() < VISIBILITY_TTL
        {
            return *ok;
        }
        let ok = match state.store.repository(repository_id).await {
            Ok(Some(r)) => caller.can_see(r.owner_id, &r.visibility),
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "cannot check a repository's visibility; withholding its event");
                return false;
            }
        };
        self.known.insert(repository_id, (ok, Instant::now()));
        ok
    }
}

async fn run(
    mut socket: WebSocket,
    state: AppState,
    caller: Caller,
    mut rx: tokio::sync::broadcast::Receiver<Event>,
) {
    // Declared before anything else of this function and after its parameters, so it is
    // dropped before the socket is: once a client sees its connection end, the gauge has
    // already gone down.
    let _open = state.ops.metrics.websocket_opened();
    let mut visibility = Visibility {
        known: HashMap::new(),
    };
    if send_json(&mut socket, r#"{"type":"ready"}"#).await.is_err() {
        return;
    }
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut unanswered = 0u32;
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Ok(event) => {
                    if !visibility.allows(&state, &caller, event.repository_id).await {
                        continue;
                    }
                    let Ok(json) = serde_json::to_string(&event) else { continue };
                    if send_json(&mut socket, &json).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, user = %caller.username, "a WebSocket client lagged; asking it to resync");
                    if send_json(&mut socket, r#"{"type":"resync"}"#).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            _ = ping.tick() => {
                if unanswered >= 3 {
                    tracing::debug!(user = %caller.username, "closing a silent WebSocket");
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                unanswered += 1;
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                // Any sign of life (a pong, or a client's own message) counts.
                Some(Ok(_)) => unanswered = 0,
            },
        }
    }
}

async fn send_json(socket: &mut WebSocket, json: &str) -> Result<(), axum::Error> {
    socket.send(Message::Text(json.to_string().into())).await
}
