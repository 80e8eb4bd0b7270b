//! Frames to the terminal. We keep the last frame and send only the cells that changed (like
//! ratatui's `Terminal`), and when the diff pane scrolled since the last frame, we first let the
//! terminal scroll those rows itself (a scroll region, `CSI top;bottom r` + `CSI n S`/`T`), so
//! a move to the next hunk sends the rows that came into view, not the whole pane.

use std::io::Write;

use anyhow::Result;
use ratatui::backend::{Backend, ClearType};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Widget;

use super::app::{Anchor, App};
use super::wrap;

/// The terminal as last drawn.
#[derive(Debug, Default)]
pub struct Screen {
    last: Option<(Buffer, Option<Anchor>)>,
}

impl Screen {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget the last frame: the next draw clears the screen and sends everything.
    pub fn invalidate(&mut self) {
        self.last = None;
    }

    /// Draw `app` on `backend`, inside a synchronized update (no tearing, one burst of bytes).
    pub fn draw<B: Backend + Write>(&mut self, backend: &mut B, app: &App) -> Result<()> {
        let size = backend.size().map_err(|e| anyhow::anyhow!("terminal size: {e}"))?;
        let area = Rect::new(0, 0, size.width, size.height);
        let mut next = Buffer::empty(area);
        app.render(area, &mut next);
        let anchor = app.anchor();
        execute!(backend, BeginSynchronizedUpdate)?;
        let mut prev = match self.last.take() {
            Some((prev, old)) if prev.area == area => {
                let mut prev = prev;
                if let (Some(old), Some(new)) = (&old, &anchor)
                    && let Some((top, bottom, by)) = shift(old, new)
                {
                    // Rows scrolled in are blank in the current background (xterm's and tmux's
                    // background colour erase): make that the screen's blank.
                    let blank = app.blank();
                    let shifted = scrolled(&prev, top, bottom, by, &blank);
                    if changed(&shifted, &next, top, bottom) + 16 < changed(&prev, &next, top, bottom) {
                        // DECSTBM moves the cursor home; every update below positions itself.
                        let (n, dir) = if by > 0 { (by, 'S') } else { (-by, 'T') };
                        let pen = pen_sgr(Pen { fg: blank.fg, bg: blank.bg, modifier: blank.modifier });
                        write!(backend, "{pen}\x1b[{};{}r\x1b[{n}{dir}\x1b[r\x1b[0m", top + 1, bottom)?;
                        prev = shifted;
                    }
                }
                prev
            }
            _ => {
                backend.clear_region(ClearType::All).map_err(|e| anyhow::anyhow!("clear: {e}"))?;
                backend.hide_cursor().map_err(|e| anyhow::anyhow!("cursor: {e}"))?;
                Buffer::empty(area)
            }
        };
        let mut out = Vec::with_capacity(4096);
        emit(&prev.diff(&next), &mut out);
        backend.write_all(&out)?;
        prev = next;
        execute!(backend, EndSynchronizedUpdate)?;
        Backend::flush(backend).map_err(|e| anyhow::anyhow!("flush: {e}"))?;
        self.last = Some((prev, anchor));
        Ok(())
    }
}

/// The terminal's drawing state while emitting: the SGR in force and where the cursor is.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const RESET: Pen = Pen { fg: Color::Reset, bg: Color::Reset, modifier: Modifier::empty() };

/// SGR parameters of a colour: `38;2;r;g;b` for a foreground, 48… for a background.
fn color_params(c: Color, fg: bool) -> String {
    let base: u16 = if fg { 30 } else { 40 };
    let code = |n: u16| (base + n).to_string();
    match c {
        Color::Reset => code(9),
        Color::Black => code(0),
        Color::Red => code(1),
        Color::Green => code(2),
        Color::Yellow => code(3),
        Color::Blue => code(4),
        Color::Magenta => code(5),
        Color::Cyan => code(6),
        Color::Gray => code(7),
        Color::DarkGray => code(60),
        Color::LightRed => code(61),
        Color::LightGreen => code(62),
        Color::LightYellow => code(63),
        Color::LightBlue => code(64),
        Color::LightMagenta => code(65),
        Color::LightCyan => code(66),
        Color::White => code(67),
        Color::Indexed(i) => format!("{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
    }
}

fn modifier_params(m: Modifier, out: &mut Vec<String>) {
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(flag) {
            out.push(code.to_owned());
        }
    }
}

/// How many blank cells in a row are erased (`CSI n X`) rather than written.
const ERASE_RUN: usize = 8;

/// The SGR that sets `pen` from scratch (for the background of scrolled-in rows).
fn pen_sgr(pen: Pen) -> String {
    let mut params = vec!["0".to_owned()];
    modifier_params(pen.modifier, &mut params);
    params.push(color_params(pen.fg, true));
    params.push(color_params(pen.bg, false));
    format!("\x1b[{}m", params.join(";"))
}

/// The bytes that draw `updates`: one cursor move per jump (a short forward move on the same
/// row), one SGR per style change with only what changed (a reset when an attribute goes), and
/// runs of blanks erased (`CSI n X`, which fills with the current background) instead of sent.
fn emit(updates: &[(u16, u16, &Cell)], out: &mut Vec<u8>) {
    let mut pen = RESET;
    let mut at: Option<(u16, u16)> = None;
    let mut i = 0;
    while i < updates.len() {
        let (x, y, cell) = updates[i];
        i += 1;
        match at {
            Some((cx, cy)) if cy == y && cx == x => {}
            Some((cx, cy)) if cy == y && x > cx && x - cx < 100 => {
                let _ = write!(out, "\x1b[{}C", x - cx);
            }
            _ => {
                let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
        let want = Pen { fg: cell.fg, bg: cell.bg, modifier: cell.modifier };
        if want != pen {
            let mut params = Vec::new();
            if !(pen.modifier - want.modifier).is_empty() {
                params.push("0".to_owned());
                pen = RESET;
            }
            modifier_params(want.modifier - pen.modifier, &mut params);
            if want.fg != pen.fg {
                params.push(color_params(want.fg, true));
            }
            if want.bg != pen.bg {
                params.push(color_params(want.bg, false));
            }
            let _ = write!(out, "\x1b[{}m", params.join(";"));
            pen = want;
        }
        let symbol = cell.symbol();
        if symbol == " " && want.modifier.is_empty() {
            let run = updates[i - 1..]
                .iter()
                .enumerate()
                .take_while(|&(k, &(x2, y2, c))| y2 == y && usize::from(x2) == usize::from(x) + k && c == cell)
                .count();
            if run >= ERASE_RUN {
                let _ = write!(out, "\x1b[{run}X");
                i += run - 1;
                at = Some((x, y));
                continue;
            }
        }
        out.extend_from_slice(symbol.as_bytes());
        let w = u16::try_from(wrap::width(symbol)).unwrap_or(1).max(1);
        at = Some((x + w, y));
    }
    if pen != RESET {
        out.extend_from_slice(b"\x1b[0m");
    }
}

/// The rows (`top..bottom`) whose content moved up by `by` rows (down when negative) between
/// two frames of the same diff, if any.
fn shift(old: &Anchor, new: &Anchor) -> Option<(u16, u16, i32)> {
    let same = old.file == new.file
        && old.arrange == new.arrange
        && old.widths == new.widths
        && old.body.x == new.body.x
        && old.body.width == new.body.width
        && old.body.y == new.body.y;
    let top = new.body.y;
    let bottom = old.body.bottom().min(new.body.bottom());
    let by = i32::try_from(new.scroll).ok()? - i32::try_from(old.scroll).ok()?;
    (same && by != 0 && by.unsigned_abs() < u32::from(bottom.saturating_sub(top))).then_some((top, bottom, by))
}

/// `buf` with rows `top..bottom` scrolled by `by` (as the terminal does: full rows; rows of
/// `blank` come in).
fn scrolled(buf: &Buffer, top: u16, bottom: u16, by: i32, blank: &Cell) -> Buffer {
    let mut out = buf.clone();
    let w = usize::from(buf.area.width);
    let row = |y: u16| usize::from(y) * w..usize::from(y) * w + w;
    for y in top..bottom {
        let from = i32::from(y) + by;
        let src = u16::try_from(from).ok().filter(|&s| s >= top && s < bottom);
        match src {
            Some(s) => out.content[row(y)].clone_from_slice(&buf.content[row(s)]),
            None => out.content[row(y)].fill(blank.clone()),
        }
    }
    out
}

/// How many cells of rows `top..bottom` differ.
fn changed(a: &Buffer, b: &Buffer, top: u16, bottom: u16) -> usize {
    let w = usize::from(a.area.width);
    let range = usize::from(top) * w..usize::from(bottom) * w;
    a.content[range.clone()].iter().zip(&b.content[range]).filter(|(x, y)| x != y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emitting_sends_only_what_changes() {
        let mut a = Buffer::empty(Rect::new(0, 0, 10, 2));
        let mut b = a.clone();
        let red = ratatui::style::Style::new().fg(Color::Rgb(255, 0, 0)).bg(Color::Indexed(17));
        b.set_string(2, 0, "ab", red);
        b.set_string(6, 0, "c", red.add_modifier(Modifier::BOLD));
        b.set_string(0, 1, "d", ratatui::style::Style::new());
        let mut out = Vec::new();
        emit(&a.diff(&b), &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "\x1b[1;3H\x1b[38;2;255;0;0;48;5;17mab\x1b[2C\x1b[1mc\x1b[2;1H\x1b[0md");
        // A long run of blanks is erased, not sent.
        let mut c = Buffer::empty(Rect::new(0, 0, 30, 1));
        c.set_style(Rect::new(0, 0, 30, 1), ratatui::style::Style::new().bg(Color::Indexed(17)));
        c.set_string(0, 0, "x", ratatui::style::Style::new());
        let mut out = Vec::new();
        emit(&Buffer::empty(Rect::new(0, 0, 30, 1)).diff(&c), &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1;1H\x1b[48;5;17mx\x1b[29X\x1b[0m");
        a.clone_from(&b);
        let mut out = Vec::new();
        emit(&a.diff(&b), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn scrolling_a_buffer_moves_rows_and_blanks_the_rest() {
        let mut b = Buffer::empty(Rect::new(0, 0, 3, 5));
        for y in 0..5 {
            b.set_string(0, y, format!("r{y}"), ratatui::style::Style::new());
        }
        let up = scrolled(&b, 1, 4, 1, &Cell::default());
        let rows: Vec<String> =
            (0..5).map(|y| (0..3).map(|x| up[(x, y)].symbol().to_owned()).collect::<String>()).collect();
        assert_eq!(rows, ["r0 ", "r2 ", "r3 ", "   ", "r4 "]);
        let down = scrolled(&b, 1, 4, -2, &Cell::default());
        let rows: Vec<String> =
            (0..5).map(|y| (0..3).map(|x| down[(x, y)].symbol().to_owned()).collect::<String>()).collect();
        assert_eq!(rows, ["r0 ", "   ", "   ", "r1 ", "r4 "]);
    }
}
