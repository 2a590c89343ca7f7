//! The reveal's chart: how the round's answers scored, as a histogram of five score bands
//! coloured from red (0-19%) to green (80-100%), with the verdict counts in the caption.

use super::{
    draw_err, nice_ceiling, render, text_style, ChartError, GREEN, GRID, MUTED, RED, TEXT, YELLOW,
};
use crate::quiz::progress::ScoreDistribution;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const HEIGHT: u32 = 420;
const BANDS: [&str; 5] = ["0–19%", "20–39%", "40–59%", "60–79%", "80–100%"];
const LIME: RGBColor = RGBColor(0xC4, 0xE1, 0x7F);
const ORANGE: RGBColor = RGBColor(0xFF, 0xAB, 0x70);

/// The histogram as PNG, or `None` for a round nobody answered (no chart at all).
pub fn reveal_png(d: &ScoreDistribution) -> Result<Option<Vec<u8>>, ChartError> {
    if d.answers() == 0 {
        return Ok(None);
    }
    render(HEIGHT, |root| draw(root, d)).map(Some)
}

fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    d: &ScoreDistribution,
) -> Result<(), ChartError> {
    let n = d.answers();
    let answers = if n == 1 {
        "1 answer".to_string()
    } else {
        format!("{n} answers")
    };
    area.draw(&Text::new(
        format!("Scores · {answers}"),
        (28, 16),
        text_style(30, &TEXT),
    ))
    .map_err(draw_err)?;
    area.draw(&Text::new(
        format!(
            "{} correct · {} partial · {} wrong",
            d.correct, d.partial, d.wrong
        ),
        (28, 56),
        text_style(22, &MUTED),
    ))
    .map_err(draw_err)?;
    let (_, plot) = area.split_vertically(92);
    let max = d.bands.iter().copied().max().unwrap_or(0);
    let top = nice_ceiling(max + max / 6 + 1);
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(20)
        .margin_right(28)
        .margin_bottom(8)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d((0..4i32).into_segmented(), 0u64..top)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .y_labels(top.min(5) as usize + 1)
        .x_labels(5)
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => BANDS.get(*i as usize).unwrap_or(&"").to_string(),
            _ => String::new(),
        })
        .y_label_formatter(&|v| v.to_string())
        .label_style(text_style(20, &TEXT))
        .draw()
        .map_err(draw_err)?;
    let colours = [RED, ORANGE, YELLOW, LIME, GREEN];
    chart
        .draw_series(d.bands.iter().enumerate().map(|(i, count)| {
            let i = i as i32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), *count),
                ],
                colours[i as usize].filled(),
            );
            bar.set_margin(0, 0, 16, 16);
            bar
        }))
        .map_err(draw_err)?;
    let above = Pos::new(HPos::Center, VPos::Bottom);
    chart
        .draw_series(
            d.bands
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| {
                    Text::new(
                        c.to_string(),
                        (SegmentValue::CenterOf(i as i32), *c),
                        text_style(22, &TEXT).pos(above),
                    )
                }),
        )
        .map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::charts::tests::decode;
    use crate::discord::charts::{MAX_BYTES, WIDTH};

    pub(crate) fn example() -> ScoreDistribution {
        ScoreDistribution {
            bands: [4, 1, 3, 2, 9],
            correct: 9,
            partial: 5,
            wrong: 5,
        }
    }

    #[test]
    fn a_round_with_answers_gets_a_small_png() {
        let png = reveal_png(&example()).unwrap().unwrap();
        assert_eq!(decode(&png), (WIDTH, HEIGHT));
        assert!(png.len() < MAX_BYTES, "{} bytes", png.len());
        assert_eq!(
            reveal_png(&example()).unwrap().unwrap(),
            png,
            "deterministic"
        );
    }

    #[test]
    fn a_round_with_no_answers_gets_no_chart() {
        assert_eq!(reveal_png(&ScoreDistribution::default()).unwrap(), None);
    }

    #[test]
    fn one_answer_and_thousands_both_draw() {
        let one = ScoreDistribution {
            bands: [0, 0, 0, 0, 1],
            correct: 1,
            ..Default::default()
        };
        assert!(reveal_png(&one).unwrap().is_some());
        let many = ScoreDistribution {
            bands: [3000, 1200, 800, 450, 9000],
            correct: 9000,
            partial: 2450,
            wrong: 3000,
        };
        let png = reveal_png(&many).unwrap().unwrap();
        assert!(png.len() < MAX_BYTES);
    }

    /// Writes `docs/charts/reveal-example.png` to look at:
    /// `cargo test --lib charts -- --ignored`.
    #[test]
    #[ignore = "writes the example chart under docs/"]
    fn write_example() {
        let png = reveal_png(&example()).unwrap().unwrap();
        crate::discord::charts::tests::write_doc("reveal-example.png", &png);
    }
}
