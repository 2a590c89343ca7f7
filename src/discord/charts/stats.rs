//! `/stats`' chart: the member's points per week over the last weeks (bars, the current week
//! last) above their accuracy per topic (horizontal bars, one row a topic).

use super::{
    draw_err, nice_ceiling, render, text_style, ChartError, BLUE, GREEN, GRID, MUTED, RED, TEXT,
    WIDTH, YELLOW,
};
use crate::quiz::progress::WeekPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One topic's row: its title, the share of answers correct (0 to 1) and how many answers.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicBar {
    pub title: String,
    pub accuracy: f64,
    pub answers: u64,
}

/// Topics shown at most (the most answered); the embed lists them all.
const TOPICS: usize = 8;
const WEEKS_HEIGHT: u32 = 360;
const ROW: u32 = 74;

/// The chart as PNG, or `None` when there is nothing to draw (no points in any week and no
/// topic): the member gets a friendly line instead of an empty chart.
pub fn stats_png(weeks: &[WeekPoints], topics: &[TopicBar]) -> Result<Option<Vec<u8>>, ChartError> {
    if weeks.iter().all(|w| w.points == 0) && topics.is_empty() {
        return Ok(None);
    }
    let mut shown: Vec<&TopicBar> = topics.iter().collect();
    shown.sort_by(|a, b| b.answers.cmp(&a.answers).then(a.title.cmp(&b.title)));
    shown.truncate(TOPICS);
    let topics_height = 70 + ROW * shown.len().max(1) as u32 + 10;
    render(WEEKS_HEIGHT + topics_height, |root| {
        let (top, bottom) = root.split_vertically(WEEKS_HEIGHT);
        draw_weeks(&top, weeks)?;
        draw_topics(&bottom, &shown)
    })
    .map(Some)
}

/// "Sep 7".
fn week_label(w: &WeekPoints) -> String {
    w.start.format("%b %-d").to_string()
}

fn draw_weeks<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    weeks: &[WeekPoints],
) -> Result<(), ChartError> {
    let n = weeks.len().max(1) as i32;
    let max = weeks.iter().map(|w| w.points).max().unwrap_or(0);
    let top = nice_ceiling(max + max / 8);
    let total: u64 = weeks.iter().map(|w| w.points).sum();
    let mut chart = ChartBuilder::on(area)
        .margin_top(18)
        .margin_left(20)
        .margin_right(40)
        .caption(
            format!("Points per week · {total} in {} weeks", weeks.len()),
            text_style(30, &TEXT),
        )
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d((0..n - 1).into_segmented(), 0u64..top)
        .map_err(draw_err)?;
    let labels: Vec<String> = weeks.iter().map(week_label).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .y_labels(5)
        .x_labels(weeks.len())
        .x_label_formatter(&|x| match x {
            // Every other week, ending on this week, so labels never touch.
            SegmentValue::CenterOf(i) if (n - 1 - *i) % 2 == 0 => {
                labels.get(*i as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .y_label_formatter(&|v| v.to_string())
        .label_style(text_style(20, &TEXT))
        .draw()
        .map_err(draw_err)?;
    chart
        .draw_series(weeks.iter().enumerate().map(|(i, w)| {
            let i = i as i32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), w.points),
                ],
                BLUE.filled(),
            );
            bar.set_margin(0, 0, 7, 7);
            bar
        }))
        .map_err(draw_err)?;
    // Each week's points over its bar.
    let above = Pos::new(HPos::Center, VPos::Bottom);
    chart
        .draw_series(
            weeks
                .iter()
                .enumerate()
                .filter(|(_, w)| w.points > 0)
                .map(|(i, w)| {
                    Text::new(
                        w.points.to_string(),
                        (SegmentValue::CenterOf(i as i32), w.points),
                        text_style(18, &TEXT).pos(above),
                    )
                }),
        )
        .map_err(draw_err)?;
    Ok(())
}

/// The colour of an accuracy: green from 70%, yellow from 40%, else red.
fn accuracy_colour(accuracy: f64) -> RGBColor {
    if accuracy >= 0.7 {
        GREEN
    } else if accuracy >= 0.4 {
        YELLOW
    } else {
        RED
    }
}

fn draw_topics<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    topics: &[&TopicBar],
) -> Result<(), ChartError> {
    let left = 28;
    let right = WIDTH as i32 - 28;
    area.draw(&Text::new(
        "Accuracy per topic (daily questions, all time)",
        (left, 18),
        text_style(28, &TEXT),
    ))
    .map_err(draw_err)?;
    if topics.is_empty() {
        area.draw(&Text::new(
            "No daily answers by topic yet.",
            (left, 74),
            text_style(22, &MUTED),
        ))
        .map_err(draw_err)?;
        return Ok(());
    }
    let width = (right - left) as f64;
    for (row, t) in topics.iter().enumerate() {
        let y = 70 + row as i32 * ROW as i32;
        let pct = (t.accuracy.clamp(0.0, 1.0) * 100.0).round();
        let answers = if t.answers == 1 {
            "1 answer".to_string()
        } else {
            format!("{} answers", t.answers)
        };
        area.draw(&Text::new(
            t.title.clone(),
            (left, y),
            text_style(21, &TEXT),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new(
            format!("{pct:.0}% of {answers}"),
            (right, y),
            text_style(21, &TEXT).pos(Pos::new(HPos::Right, VPos::Top)),
        ))
        .map_err(draw_err)?;
        let bar_top = y + 27;
        area.draw(&Rectangle::new(
            [(left, bar_top), (right, bar_top + 20)],
            GRID.filled(),
        ))
        .map_err(draw_err)?;
        let end = left + (width * pct / 100.0).round() as i32;
        if end > left {
            area.draw(&Rectangle::new(
                [(left, bar_top), (end, bar_top + 20)],
                accuracy_colour(t.accuracy).filled(),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::charts::tests::decode;
    use crate::discord::charts::MAX_BYTES;
    use chrono::NaiveDate;

    pub(crate) fn example_weeks() -> Vec<WeekPoints> {
        let first = NaiveDate::from_ymd_opt(2026, 9, 7).unwrap();
        [0, 12, 30, 10, 0, 45, 60, 20, 35, 80, 55, 25]
            .iter()
            .enumerate()
            .map(|(i, p)| WeekPoints {
                start: first + chrono::Duration::weeks(i as i64),
                points: *p,
            })
            .collect()
    }

    pub(crate) fn example_topics() -> Vec<TopicBar> {
        [
            ("The Transformer architecture", 0.82, 11),
            ("Semantic Versioning", 0.35, 17),
            ("Processes and threads", 0.6, 5),
            ("Learning AI", 1.0, 1),
        ]
        .iter()
        .map(|(t, a, n)| TopicBar {
            title: t.to_string(),
            accuracy: *a,
            answers: *n,
        })
        .collect()
    }

    #[test]
    fn a_member_with_history_gets_a_small_png() {
        let png = stats_png(&example_weeks(), &example_topics())
            .unwrap()
            .unwrap();
        let (w, h) = decode(&png);
        assert_eq!(w, WIDTH);
        assert_eq!(h, WEEKS_HEIGHT + 70 + ROW * 4 + 10);
        assert!(png.len() < MAX_BYTES, "{} bytes", png.len());
    }

    #[test]
    fn the_same_numbers_make_the_same_bytes() {
        let a = stats_png(&example_weeks(), &example_topics()).unwrap();
        let b = stats_png(&example_weeks(), &example_topics()).unwrap();
        assert_eq!(a, b);
        let other = stats_png(&example_weeks()[1..], &example_topics()).unwrap();
        assert_ne!(a, other);
    }

    #[test]
    fn no_history_makes_no_chart() {
        let mut weeks = example_weeks();
        weeks.iter_mut().for_each(|w| w.points = 0);
        assert_eq!(stats_png(&weeks, &[]).unwrap(), None);
        // Points alone, or topics alone, are drawn.
        assert!(stats_png(&example_weeks(), &[]).unwrap().is_some());
        assert!(stats_png(&weeks, &example_topics()).unwrap().is_some());
    }

    #[test]
    fn many_topics_stay_under_the_size_limit() {
        let topics: Vec<TopicBar> = (0..40)
            .map(|i| TopicBar {
                title: format!("Topic number {i} with a rather long title to draw"),
                accuracy: (i as f64) / 40.0,
                answers: 100 + i,
            })
            .collect();
        let weeks: Vec<WeekPoints> = example_weeks()
            .into_iter()
            .map(|w| WeekPoints {
                points: w.points * 1000,
                ..w
            })
            .collect();
        let png = stats_png(&weeks, &topics).unwrap().unwrap();
        let (_, h) = decode(&png);
        assert_eq!(
            h,
            WEEKS_HEIGHT + 70 + ROW * TOPICS as u32 + 10,
            "at most {TOPICS} rows"
        );
        assert!(png.len() < MAX_BYTES);
    }

    /// Writes `docs/charts/stats-example.png` to look at:
    /// `cargo test --lib charts -- --ignored`.
    #[test]
    #[ignore = "writes the example chart under docs/"]
    fn write_example() {
        let png = stats_png(&example_weeks(), &example_topics())
            .unwrap()
            .unwrap();
        crate::discord::charts::tests::write_doc("stats-example.png", &png);
    }
}
