//! Decoding at the size the squares need, not the size the file has. A PNG is read a row at a
//! time and each row is added into a box-reduced image as it comes (interlaced ones too: each
//! pass's pixels land in their cells), so a 40 MP PNG costs one row and the reduced image, not
//! 160 MB of pixels. What comes out has its shorter side at least the largest square's.

use crate::failure::Failure;

/// Sums of the pixels that fall in each cell of the reduced image, then their averages.
pub(crate) struct BoxReducer {
    factor: u32,
    width: u32,
    height: u32,
    sums: Vec<u32>,
    counts: Vec<u16>,
}

impl BoxReducer {
    /// Reduces `width`×`height` by the largest whole factor that keeps the shorter side at least
    /// `keep` pixels.
    pub fn new(width: u32, height: u32, keep: u32) -> Self {
        let factor = (width.min(height) / keep.max(1)).max(1);
        let (w, h) = (width.div_ceil(factor), height.div_ceil(factor));
        let cells = (w as usize) * (h as usize);
        Self { factor, width: w, height: h, sums: vec![0; cells * 3], counts: vec![0; cells] }
    }

    /// Adds one pixel (already on white, RGB) at `x`, `y` of the full image.
    fn add(&mut self, x: u32, y: u32, rgb: [u8; 3]) {
        let cell = ((y / self.factor) as usize) * (self.width as usize) + (x / self.factor) as usize;
        if let (Some(sum), Some(count)) = (self.sums.get_mut(cell * 3..cell * 3 + 3), self.counts.get_mut(cell)) {
            for (s, v) in sum.iter_mut().zip(rgb) {
                *s += u32::from(v);
            }
            *count = count.saturating_add(1);
        }
    }

    /// The reduced RGB pixels and their size.
    pub fn finish(self) -> (Vec<u8>, u32, u32) {
        let pixels = self
            .sums
            .chunks_exact(3)
            .zip(&self.counts)
            .flat_map(|(sum, &n)| {
                let n = u32::from(n.max(1));
                [0, 1, 2].map(|c| u8::try_from((sum[c] + n / 2) / n).unwrap_or(255))
            })
            .collect();
        (pixels, self.width, self.height)
    }
}

/// Transparent art sits on white, as it is shown.
fn on_white(rgb: [u8; 3], alpha: u8) -> [u8; 3] {
    let a = u16::from(alpha);
    rgb.map(|c| u8::try_from((u16::from(c) * a + 255 * (255 - a)) / 255).unwrap_or(255))
}

/// One decoded pixel of `channels` 8-bit samples as RGB on white.
pub(crate) fn pixel(samples: &[u8]) -> [u8; 3] {
    match *samples {
        [l] => [l, l, l],
        [l, a] => on_white([l, l, l], a),
        [r, g, b] => [r, g, b],
        [r, g, b, a, ..] => on_white([r, g, b], a),
        _ => [255, 255, 255],
    }
}

/// Adds a row of decoded samples whose pixels sit at `x0`, `x0 + dx`, … of row `y`.
pub(crate) fn add_row(reducer: &mut BoxReducer, row: &[u8], channels: usize, y: u32, x0: u32, dx: u32) {
    for (i, samples) in row.chunks_exact(channels).enumerate() {
        let x = x0 + dx * u32::try_from(i).unwrap_or(u32::MAX);
        reducer.add(x, y, pixel(samples));
    }
}

/// Adam7's passes: first column, first row, column step, row step.
const ADAM7: [(u32, u32, u32, u32); 7] =
    [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

/// Where each decoded row of an image sits: (row, first column, column step), in decoding order.
fn row_places(width: u32, height: u32, interlaced: bool) -> Vec<(u32, u32, u32)> {
    if !interlaced {
        return (0..height).map(|y| (y, 0, 1)).collect();
    }
    // A pass with no columns or no rows has no lines in the file.
    ADAM7
        .iter()
        .filter(|(x0, y0, _, _)| *x0 < width && *y0 < height)
        .flat_map(|&(x0, y0, dx, dy)| (y0..height).step_by(dy as usize).map(move |y| (y, x0, dx)))
        .collect()
}

/// A PNG decoded row by row into a reduced RGB image.
pub(crate) fn png(bytes: &[u8], keep: u32, max_pixels: u64) -> Result<(Vec<u8>, u32, u32), Failure> {
    let bad = |e: png::DecodingError| Failure::permanent("not_an_image", format!("corrupt PNG: {e}"));
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(bad)?;
    let (width, height, interlaced) = {
        let info = reader.info();
        (info.width, info.height, info.interlaced)
    };
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Failure::permanent("image_too_large", format!("{width}×{height} is beyond {max_pixels} pixels")));
    }
    let channels = reader.output_color_type().0.samples();
    let mut reducer = BoxReducer::new(width, height, keep);
    for (y, x0, dx) in row_places(width, height, interlaced) {
        let Some(row) = reader.next_row().map_err(bad)? else { break };
        add_row(&mut reducer, row.data(), channels, y, x0, dx);
    }
    Ok(reducer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interlaced_rows_cover_every_pixel_once() {
        for (w, h) in [(1, 1), (3, 5), (8, 8), (13, 7), (640, 9)] {
            let mut seen = vec![0u8; (w * h) as usize];
            for (y, x0, dx) in row_places(w, h, true) {
                for x in (x0..w).step_by(dx as usize) {
                    seen[(y * w + x) as usize] += 1;
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{w}×{h}");
        }
    }

    #[test]
    fn a_reduced_image_keeps_the_short_side_and_averages_its_cells() {
        let mut r = BoxReducer::new(2000, 1000, 500);
        assert_eq!((r.width, r.height, r.factor), (1000, 500, 2));
        for (x, y, v) in [(0, 0, 10), (1, 0, 20), (0, 1, 30), (1, 1, 40)] {
            r.add(x, y, [v, v, v]);
        }
        let (pixels, w, h) = r.finish();
        assert_eq!((w, h), (1000, 500));
        assert_eq!(&pixels[..3], &[25, 25, 25]);
        assert_eq!(pixel(&[0, 0, 0, 0]), [255, 255, 255]);
    }
}
