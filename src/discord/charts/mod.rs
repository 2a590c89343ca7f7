//! Charts members see as PNG attachments: `/stats`' points per week and accuracy per topic
//! (`stats`), and the reveal's score distribution (`reveal`). Each is a pure function from
//! domain numbers to PNG bytes: no Discord, no store, no clock, so the same data always makes
//! the same bytes.
//!
//! The look: an opaque mid-tone slate card with near-white text. Discord shows an image on its
//! dark theme (#313338) and on its light one (white); a transparent image would have to pick a
//! text colour that one of them makes unreadable, while a card of its own reads the same on
//! both, and its slate stands apart from either background. Bars use light colours that keep
//! at least 4.5:1 contrast against the card.
//!
//! Text is drawn with DejaVu Sans, built into the binary (`assets/fonts/`, free to ship, see its
//! licence there) and registered with plotters' `ab_glyph` backend once, so no system font is
//! needed at run time.

mod reveal;
mod stats;

pub use reveal::reveal_png;
pub use stats::{stats_png, TopicBar};

use plotters::prelude::*;
use std::sync::OnceLock;

/// Every chart's width in pixels; Discord scales an embed image to about half, so text is drawn
/// at twice the size it should look.
pub const WIDTH: u32 = 800;
/// The attachment's size at most (Discord takes far more; a chart is a few tens of KB).
pub const MAX_BYTES: usize = 200 * 1024;

/// The font family every chart's text uses (registered from the embedded TTF).
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

const CARD: RGBColor = RGBColor(0x3A, 0x41, 0x50);
const TEXT: RGBColor = RGBColor(0xF2, 0xF4, 0xF8);
const MUTED: RGBColor = RGBColor(0xC3, 0xCA, 0xD6);
const GRID: RGBColor = RGBColor(0x55, 0x5E, 0x70);
const BLUE: RGBColor = RGBColor(0x7A, 0xB8, 0xFF);
const GREEN: RGBColor = RGBColor(0x7B, 0xD8, 0x8F);
const YELLOW: RGBColor = RGBColor(0xF5, 0xC6, 0x6B);
const RED: RGBColor = RGBColor(0xFF, 0x8A, 0x80);

/// Why a chart could not be made (the text goes out without it).
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the chart's font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(String),
    #[error("the chart came out at {0} bytes, over the limit")]
    TooBig(usize),
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Registers the embedded font with plotters, once per process.
fn font() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    ok.then_some(()).ok_or(ChartError::Font)
}

fn text_style(size: u32, colour: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(colour)
}

/// Draws on a `WIDTH` x `height` card with `draw`, and encodes the result as PNG.
fn render(
    height: u32,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), ChartError>,
) -> Result<Vec<u8>, ChartError> {
    font()?;
    let mut rgb = vec![0u8; (WIDTH * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
        root.fill(&CARD).map_err(draw_err)?;
        draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    let png = encode(&rgb, WIDTH, height)?;
    if png.len() > MAX_BYTES {
        return Err(ChartError::TooBig(png.len()));
    }
    Ok(png)
}

/// RGB pixels to PNG bytes (best compression: the charts are flat colours).
fn encode(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut writer = enc
            .write_header()
            .map_err(|e| ChartError::Encode(e.to_string()))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| ChartError::Encode(e.to_string()))?;
    }
    Ok(out)
}

/// A round number at least `max` (and at least 1) for an axis' top: 1, 2, 5, 10, 20, 50, ...
fn nice_ceiling(max: u64) -> u64 {
    let max = max.max(1);
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max {
                return step * m;
            }
        }
        step *= 10;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The width and height a PNG's header says, after checking the signature and decoding it
    /// whole.
    pub(crate) fn decode(png_bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
        let decoder = png::Decoder::new(png_bytes);
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("the image decodes");
        (info.width, info.height)
    }

    /// Writes an example chart under `docs/charts/`.
    pub(crate) fn write_doc(name: &str, png: &[u8]) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/charts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(10), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(260), 500);
    }
}
