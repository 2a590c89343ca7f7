//! Sharded sessions: each IDENTIFY names its shard (`[id, total]`), on its own connection, maybe
//! from another process. The fake records every IDENTIFY's `shard`, answers READY with it, and
//! can push a dispatch to one shard's session (Discord sends a guild's events to its shard only).

use super::{FakeDiscord, WAIT};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The sessions by shard id, and the `shard` of every IDENTIFY so far.
#[derive(Default)]
pub(super) struct Sessions {
    by_shard: BTreeMap<u64, Session>,
    identified: Vec<Value>,
}

struct Session {
    /// The connection (`Conn::id`) the shard identified on.
    conn: u64,
    tx: mpsc::UnboundedSender<WsMessage>,
    /// The last sequence number sent on this session (READY is 1).
    seq: u64,
}

impl Sessions {
    /// An IDENTIFY with `d` arrived on connection `conn`: remember its shard. The `shard` for
    /// its READY: the one it asked for, or `[0, 1]` when it named none.
    pub(super) fn identified(
        &mut self,
        d: &Value,
        conn: u64,
        tx: &mpsc::UnboundedSender<WsMessage>,
    ) -> Value {
        let shard = d.get("shard").cloned().unwrap_or(Value::Null);
        self.identified.push(shard.clone());
        let id = shard[0].as_u64().unwrap_or(0);
        self.by_shard.insert(
            id,
            Session {
                conn,
                tx: tx.clone(),
                seq: 1,
            },
        );
        if shard.is_null() {
            json!([0, 1])
        } else {
            shard
        }
    }

    /// Connection `conn` ended: its session goes.
    pub(super) fn closed(&mut self, conn: u64) {
        self.by_shard.retain(|_, s| s.conn != conn);
    }
}

impl FakeDiscord {
    /// The `shard` field of every IDENTIFY, in arrival order (`null` for one without it).
    pub fn identified_shards(&self) -> Vec<Value> {
        self.shared.lock().sessions.identified.clone()
    }

    /// Waits (at most `WAIT`) until shard `id` identified and got READY on a live connection.
    pub async fn wait_shard_ready(&self, id: u64) {
        self.wait_until(&format!("READY of shard {id}"), WAIT, |s| {
            s.sessions.by_shard.contains_key(&id).then_some(())
        })
        .await
    }

    /// Pushes an INTERACTION_CREATE with this interaction to shard `id`'s session, once it is
    /// READY. Returns the sequence number on that session.
    pub async fn send_interaction_to_shard(&self, id: u64, interaction: Value) -> u64 {
        self.wait_shard_ready(id).await;
        self.shared.update(|s| {
            if let (Some(token), Some(channel)) = (
                interaction["token"].as_str(),
                interaction["channel_id"]
                    .as_str()
                    .and_then(|c| c.parse::<u64>().ok()),
            ) {
                s.interaction_channels.insert(token.to_string(), channel);
            }
            let session = s.sessions.by_shard.get_mut(&id).expect("shard is READY");
            session.seq += 1;
            let payload =
                json!({"op": 0, "t": "INTERACTION_CREATE", "s": session.seq, "d": interaction});
            session
                .tx
                .send(WsMessage::Text(payload.to_string()))
                .expect("the shard's connection is open");
            session.seq
        })
    }
}
