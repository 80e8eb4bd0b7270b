//! Drawing: a pure function of the `App` (`impl Widget for &App`). The layout adapts from
//! 20x5 up: the file list beside the diff from 100 columns, else the one that has the focus;
//! the panes side by side from 60 columns, else stacked.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::app::{App, Focus, Mode};
use super::widgets;

/// From this width the file list stays beside the diff.
pub const WIDE: u16 = 100;
/// From this width the before and after panes sit side by side.
pub const SIDE_BY_SIDE: u16 = 60;
/// From this height there is a title row.
const TALL: u16 = 8;

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub title: Option<Rect>,
    pub list: Option<Rect>,
    pub diff: Option<Rect>,
    pub info: Rect,
    pub keys: Rect,
}

pub fn layout(area: Rect, focus: Focus) -> Areas {
    let title_h = u16::from(area.height >= TALL);
    let [title, body, info, keys] = Layout::vertical([
        Constraint::Length(title_h),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (list, diff) = if area.width >= WIDE {
        let w = (area.width / 4).clamp(24, 40);
        let [l, d] = Layout::horizontal([Constraint::Length(w), Constraint::Fill(1)]).areas(body);
        (Some(l), Some(d))
    } else if focus == Focus::Files {
        (Some(body), None)
    } else {
        (None, Some(body))
    };
    Areas { title: (title_h > 0).then_some(title), list, diff, info, keys }
}

/// The before and after panes inside the diff area (below its header row), and whether they
/// are stacked.
pub fn panes(diff: Rect) -> (Rect, Rect, bool) {
    let body = Rect { y: diff.y + 1.min(diff.height), height: diff.height.saturating_sub(1), ..diff };
    if diff.width >= SIDE_BY_SIDE {
        let left = (body.width.saturating_sub(1)) / 2;
        let [l, _, r] =
            Layout::horizontal([Constraint::Length(left), Constraint::Length(1), Constraint::Fill(1)]).areas(body);
        (l, r, false)
    } else {
        let top = body.height.saturating_sub(1) / 2;
        let [t, _, b] =
            Layout::vertical([Constraint::Length(top), Constraint::Length(1), Constraint::Fill(1)]).areas(body);
        (t, b, true)
    }
}

/// How many diff rows show at this terminal size (with the diff focused).
pub fn diff_viewport((w, h): (u16, u16)) -> usize {
    let areas = layout(Rect::new(0, 0, w, h), Focus::Diff);
    areas.diff.map_or(0, |d| {
        let (before, _, _) = panes(d);
        usize::from(before.height)
    })
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.base);
        if area.width == 0 || area.height == 0 {
            return;
        }
        let areas = layout(area, self.focus);
        match (areas.title, &self.message) {
            (Some(title), Some(msg)) => {
                buf.set_line(title.x, title.y, &Line::from(Span::styled(msg.as_str(), self.theme.key)), title.width);
            }
            (Some(title), None) => widgets::title(self, title, buf),
            (None, _) => {}
        }
        if let Some(list) = areas.list {
            widgets::file_list(self, list, buf);
        }
        if let Some(diff) = areas.diff {
            widgets::diff(self, diff, buf);
        }
        match (&self.message, areas.title) {
            (Some(msg), None) if self.mode == Mode::Normal => {
                buf.set_line(
                    areas.info.x,
                    areas.info.y,
                    &Line::from(Span::styled(msg.as_str(), self.theme.key)),
                    areas.info.width,
                );
            }
            _ => widgets::info(self, areas.info, buf),
        }
        widgets::key_bar(self, areas.keys, buf);
        match self.mode {
            Mode::Help => widgets::help(self, area, buf),
            Mode::ConfirmWrite => widgets::confirm_write(self, area, buf),
            Mode::ConfirmQuit => widgets::confirm_quit(self, area, buf),
            Mode::Normal | Mode::Search(_) => {}
        }
    }
}
