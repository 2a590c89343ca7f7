//! Unit tests of the season queries on an in-memory database.

use super::*;
use crate::quiz::GuildSettings;
use rusqlite::Connection;

const G: GuildId = GuildId(7);

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn db(tz: chrono_tz::Tz) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    super::super::migrate(&mut conn).unwrap();
    let mut s = GuildSettings::new(G);
    s.timezone = tz;
    super::super::tracks::save_settings(&conn, &s, None).unwrap();
    conn
}

fn audit_rows(conn: &dyn Db) -> i64 {
    conn.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'season-champion' AND actor_id IS NULL",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_season_closes_once_and_the_next_one_begins() {
    let conn = db(chrono_tz::UTC);
    set_cadence(
        &conn,
        G,
        Some(Cadence::Monthly),
        utc("2026-11-15T00:00:00Z"),
    )
    .unwrap();
    let s = season_setting(&conn, G).unwrap().unwrap();
    assert_eq!(
        (s.season.key(), s.ends_at),
        ("2026-11".into(), utc("2026-12-01T00:00:00Z"))
    );
    // Picking the same cadence again changes nothing.
    set_cadence(
        &conn,
        G,
        Some(Cadence::Monthly),
        utc("2026-12-15T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(season_setting(&conn, G).unwrap().unwrap(), s);

    let before = utc("2026-11-30T23:59:59Z");
    assert!(due_season_ends(&conn, before, 10).unwrap().is_empty());
    assert_eq!(close_season(&conn, G, before).unwrap(), None);
    let after = utc("2026-12-01T00:00:01Z");
    assert_eq!(due_season_ends(&conn, after, 10).unwrap(), vec![G]);
    let closed = close_season(&conn, G, after).unwrap().unwrap();
    assert_eq!(
        (closed.season.key(), closed.champion),
        ("2026-11".into(), None)
    );
    assert_eq!(close_season(&conn, G, after).unwrap(), None, "closed once");
    assert!(due_season_ends(&conn, after, 10).unwrap().is_empty());
    assert_eq!(
        season_setting(&conn, G).unwrap().unwrap().season.key(),
        "2026-12"
    );
    // Nobody scored: no summary to post, no champion, nothing audited.
    assert!(due_summaries(&conn, after, 10).unwrap().is_empty());
    assert_eq!(hall_of_fame(&conn, G, 10, 0).unwrap().1, 0);
    assert_eq!(audit_rows(&conn), 0);

    set_cadence(&conn, G, None, after).unwrap();
    assert_eq!(season_setting(&conn, G).unwrap(), None);
}

#[test]
fn a_zone_changed_mid_season_moves_its_end_rather_than_closing_it_early() {
    let conn = db(chrono_tz::UTC);
    set_cadence(
        &conn,
        G,
        Some(Cadence::Monthly),
        utc("2026-11-15T00:00:00Z"),
    )
    .unwrap();
    let mut s = GuildSettings::new(G);
    s.timezone = chrono_tz::America::Los_Angeles;
    super::super::tracks::save_settings(&conn, &s, None).unwrap();
    // Midnight in UTC has passed, not in Los Angeles (08:00 UTC).
    let t = utc("2026-12-01T01:00:00Z");
    assert_eq!(due_season_ends(&conn, t, 10).unwrap(), vec![G]);
    assert_eq!(close_season(&conn, G, t).unwrap(), None);
    assert!(
        due_season_ends(&conn, t, 10).unwrap().is_empty(),
        "not due again"
    );
    let t = utc("2026-12-01T08:00:00Z");
    assert_eq!(due_season_ends(&conn, t, 10).unwrap(), vec![G]);
    assert!(close_season(&conn, G, t).unwrap().is_some());
}

#[test]
fn the_clock_finds_due_seasons_and_summaries_through_indexes() {
    let conn = db(chrono_tz::UTC);
    for (sql, index) in [
        (
            "SELECT guild_id FROM guild_seasons INDEXED BY guild_seasons_due WHERE ends_at <= 1 ORDER BY ends_at LIMIT 5",
            "guild_seasons_due",
        ),
        (
            "SELECT guild_id, season FROM seasons INDEXED BY seasons_due WHERE state = 'pending' AND due_at <= 1 ORDER BY due_at LIMIT 5",
            "seasons_due",
        ),
    ] {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let plan = plan.join("; ");
        assert!(plan.contains(&format!("USING INDEX {index}")) || plan.contains(&format!("USING COVERING INDEX {index}")), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}
