//! Drawing: a pure function of the `App` (`impl Widget for &App`), laid out by `layout`: the
//! file list beside the diff from 100 columns (else the one with the focus), a status panel as
//! tall as the current hunk's reason needs, the key bar, and any overlay.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::app::{App, Mode};
use super::widgets;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_style(area, self.theme.base);
        if area.width == 0 || area.height == 0 {
            return;
        }
        let areas = self.geometry().areas;
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
                buf.set_style(areas.info, self.theme.status);
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
            Mode::Help(scroll) | Mode::Info(scroll) => widgets::overlay(self, area, buf, scroll),
            Mode::ConfirmWrite => widgets::confirm_write(self, area, buf),
            Mode::ConfirmQuit => widgets::confirm_quit(self, area, buf),
            Mode::Normal | Mode::Search(_) => {}
        }
    }
}
