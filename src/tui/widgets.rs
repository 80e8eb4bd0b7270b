//! The parts of the screen: title, file list, diff panes, status line, key bar, overlays.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::action::Action;
use super::app::{App, Focus, Mode};
use super::highlight::SideHighlight;
use super::keymap::KEY_BAR;
use super::rows::{self, Row};
use super::theme::Depth;
use super::view::panes;
use tf2_migrate_core::plan::{Decision, FilePlan};

/// The state symbol of a hunk.
pub fn hunk_mark(d: Decision) -> &'static str {
    match d {
        Decision::Accepted => "[✓]",
        Decision::Rejected => "[✗]",
        Decision::Pending => "[ ]",
    }
}

/// The state symbol of a file in the list.
fn file_mark(app: &App, f: usize) -> &'static str {
    if let Some((false, _)) = &app.outcome[f] {
        return "[!]";
    }
    let plan = &app.plans[f];
    let (p, a, r) = plan.counts();
    match (p, a, r) {
        (0, 0, 0) if app.outcome[f].is_some() => "[w]",
        (0, 0, 0) => "[⚠]",
        (p, a, r) if p > 0 && a + r > 0 => "[~]",
        (p, _, _) if p > 0 => "[ ]",
        (_, a, _) if a > 0 => "[✓]",
        _ => "[✗]",
    }
}

/// Keep the end of `text` within `width` columns (paths: the file name matters most).
fn tail(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let skip = n - (width - 1);
    format!("…{}", text.chars().skip(skip).collect::<String>())
}

fn counts_label(plan: &FilePlan) -> String {
    let (p, a, r) = plan.counts();
    format!("{p} {a}✓ {r}✗ {}⚠", plan.manual().count())
}

/// "scanning 412/1000 files…", while the background analysis runs.
fn scan_progress((done, total): (usize, usize)) -> String {
    format!("scanning {done}/{total} files…")
}

pub fn title(app: &App, area: Rect, buf: &mut Buffer) {
    let (p, a, r, m) = app.totals();
    let total = p + a + r;
    let decided = a + r;
    let scanning = app.scanning.map(|p| format!("{} · ", scan_progress(p))).unwrap_or_default();
    let text = format!(
        " tf2-migrate review · {scanning}{} files · {decided}/{total} hunks decided ({a} accepted, {r} rejected) · {m} manual",
        app.plans.len()
    );
    buf.set_line(area.x, area.y, &Line::from(Span::styled(text, app.theme.title)), area.width);
}

pub fn file_list(app: &App, area: Rect, buf: &mut Buffer) {
    let focused = app.focus == Focus::Files;
    let block = Block::default().borders(Borders::RIGHT).border_style(if focused {
        app.theme.border_focus
    } else {
        app.theme.border
    });
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let head = format!("Files {}/{}", app.file + 1, app.plans.len());
    let head_style = if focused { app.theme.border_focus } else { app.theme.dim };
    buf.set_line(inner.x, inner.y, &Line::from(Span::styled(head, head_style)), inner.width);
    let height = usize::from(inner.height.saturating_sub(1));
    if height == 0 {
        return;
    }
    let offset = (app.file + 1).saturating_sub(height);
    let width = usize::from(inner.width);
    for (row, f) in (offset..app.plans.len()).take(height).enumerate() {
        let y = inner.y + 1 + row as u16;
        let counts = counts_label(&app.plans[f]);
        let mark = file_mark(app, f);
        let name_w = width.saturating_sub(counts.chars().count() + 6);
        let name = tail(&app.names[f], name_w.max(1));
        let pad = width.saturating_sub(4 + name.chars().count() + counts.chars().count() + 1).max(1);
        let mark_style = match mark {
            "[✓]" => app.theme.accepted,
            "[✗]" => app.theme.rejected,
            "[!]" => app.theme.error,
            "[⚠]" => app.theme.manual,
            _ => app.theme.pending,
        };
        let mut line = Line::from(vec![
            Span::styled(mark, mark_style),
            Span::raw(" "),
            Span::raw(name),
            Span::raw(" ".repeat(pad)),
            Span::styled(counts, app.theme.dim),
        ]);
        if f == app.file {
            line = line.patch_style(app.theme.selected);
        }
        let row_area = Rect::new(inner.x, y, inner.width, 1);
        if f == app.file {
            buf.set_style(row_area, app.theme.selected);
        }
        buf.set_line(inner.x, y, &line, inner.width);
    }
}

/// The header row of the diff: file name, counts, outcome of the last write.
fn diff_header(app: &App, area: Rect, buf: &mut Buffer) {
    let plan = &app.plans[app.file];
    let mut spans = vec![
        Span::styled(file_mark(app, app.file), app.theme.current),
        Span::raw(" "),
        Span::styled(app.names[app.file].as_str(), app.theme.title),
        Span::styled(
            format!(
                "  {}/{} · hunk {}/{} · {}",
                app.file + 1,
                app.plans.len(),
                (app.hunk + 1).min(plan.hunks.len()),
                plan.hunks.len(),
                counts_label(plan)
            ),
            app.theme.dim,
        ),
    ];
    if let Some((ok, why)) = &app.outcome[app.file] {
        spans.push(Span::styled(format!("  {why}"), if *ok { app.theme.accepted } else { app.theme.error }));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

pub fn diff(app: &App, area: Rect, buf: &mut Buffer) {
    if app.plans.is_empty() {
        let text = if app.scanning.is_some() {
            "Scanning… no file needing a change so far."
        } else {
            "Nothing to migrate: no file needs a change."
        };
        buf.set_line(area.x, area.y, &Line::from(Span::styled(text, app.theme.title)), area.width);
        return;
    }
    diff_header(app, area, buf);
    let (left, right, stacked) = panes(area);
    let height = usize::from(left.height);
    if stacked {
        let sep_y = left.y + left.height;
        if sep_y < area.y + area.height {
            buf.set_line(
                area.x,
                sep_y,
                &Line::from(Span::styled("─".repeat(usize::from(area.width)), app.theme.border)),
                area.width,
            );
        }
    } else {
        for y in left.y..left.y + left.height {
            buf.set_line(left.x + left.width, y, &Line::from(Span::styled("│", app.theme.border)), 1);
        }
    }
    let plan = &app.plans[app.file];
    app.with_cached(app.file, |cached, hl| {
        let end = (app.scroll + height).min(cached.rows.rows.len());
        let visible = &cached.rows.rows[app.scroll.min(end)..end];
        let (mut max_b, mut max_a) = (0, 0);
        for row in visible {
            if let Row::Pair { before, after, .. } = row {
                max_b = max_b.max(before.map_or(0, |b| b + 1));
                max_a = max_a.max(after.map_or(0, |a| a + 1));
            }
        }
        if app.theme.depth != Depth::Mono {
            cached.before.ensure(hl, &cached.rows.before, max_b);
            cached.after.ensure(hl, &cached.rows.after, max_a);
        }
        let width = cached.rows.number_width;
        for (i, row) in visible.iter().enumerate() {
            let dy = i as u16;
            match *row {
                Row::Header { hunk } => {
                    span_both(buf, left, right, dy, stacked, &hunk_header(app, plan, hunk));
                }
                Row::Note { finding } => {
                    let f = &plan.findings[finding];
                    let text = format!("  ⚠ manual [{}]: {}", f.rule, rows::display(&f.message));
                    span_both(buf, left, right, dy, stacked, &Line::from(Span::styled(text, app.theme.manual)));
                }
                Row::Pair { before, after, hunk } => {
                    let current = hunk == Some(app.hunk);
                    let l = side_line(app, &cached.rows.before, &cached.before, before, width, false, current);
                    let r = side_line(app, &cached.rows.after, &cached.after, after, width, true, current);
                    buf.set_line(left.x, left.y + dy, &l, left.width);
                    buf.set_line(right.x, right.y + dy, &r, right.width);
                }
            }
        }
    });
}

/// A line across both panes (side by side), or repeated in each (stacked).
fn span_both(buf: &mut Buffer, left: Rect, right: Rect, dy: u16, stacked: bool, line: &Line<'_>) {
    if stacked {
        buf.set_line(left.x, left.y + dy, line, left.width);
        buf.set_line(right.x, right.y + dy, line, right.width);
    } else {
        buf.set_line(left.x, left.y + dy, line, left.width + 1 + right.width);
    }
}

fn hunk_header<'a>(app: &App, plan: &FilePlan, hunk: usize) -> Line<'a> {
    let current = hunk == app.hunk;
    let decision = plan.hunk_decision(hunk);
    let mut rules: Vec<&str> = plan.hunks[hunk].findings.iter().map(|&i| plan.findings[i].rule.id()).collect();
    rules.dedup();
    let mut text =
        format!(" hunk {}/{} · {} · {}", hunk + 1, plan.hunks.len(), rules.join(", "), plan.hunk_safety(hunk));
    let n = plan.alternatives(hunk);
    if n > 1 {
        let c = plan.hunk_choice(hunk);
        let label = plan.hunks[hunk]
            .findings
            .iter()
            .find(|&&i| plan.findings[i].fixes.len() > 1)
            .and_then(|&i| plan.chosen(i))
            .map_or("", |f| f.label);
        let _ = write!(text, " · alternative {}/{n}: {label}", c + 1);
    }
    let (pointer, style) = if current { ("▶ ", app.theme.current) } else { ("  ", app.theme.dim) };
    let mark_style = match decision {
        Decision::Accepted => app.theme.accepted,
        Decision::Rejected => app.theme.rejected,
        Decision::Pending => app.theme.pending,
    };
    let mark_style = if current { mark_style.add_modifier(Modifier::BOLD) } else { mark_style };
    Line::from(vec![
        Span::styled(pointer, style),
        Span::styled(hunk_mark(decision), mark_style),
        Span::styled(text, style),
    ])
}

/// One side of one row: gutter (current-hunk bar, line number, sign) and the styled text.
fn side_line<'a>(
    app: &App,
    lines: &[rows::Line],
    hl: &SideHighlight,
    index: Option<usize>,
    number_width: usize,
    after: bool,
    current: bool,
) -> Line<'a> {
    let theme = &app.theme;
    let bar = if current { "▌" } else { " " };
    let Some(i) = index else {
        return Line::from(Span::styled(bar, theme.current));
    };
    let line = &lines[i];
    let sign = match (line.changed, after) {
        (false, _) => " ",
        (true, false) => "-",
        (true, true) => "+",
    };
    let (line_style, emph_style) = match (line.changed, after) {
        (false, _) => (Style::new(), Style::new()),
        (true, false) => (theme.removed, theme.removed_emph),
        (true, true) => (theme.added, theme.added_emph),
    };
    let sign_style = if line.changed {
        let s = if after { theme.accepted } else { theme.rejected };
        s.add_modifier(Modifier::BOLD)
    } else {
        theme.gutter
    };
    let mut spans = vec![
        Span::styled(bar, theme.current),
        Span::styled(format!("{:>number_width$}", line.no), theme.gutter),
        Span::styled(sign, sign_style),
        Span::styled(" ", line_style),
    ];
    let syntax = hl.spans.get(i);
    let style_at = |at: usize| -> Style {
        let mut s = line_style;
        if let Some(span) = syntax.and_then(|v| v.iter().find(|s| s.range.contains(&at))) {
            if let Some(c) = theme.depth.color(span.fg) {
                s = s.fg(c);
            }
            if theme.depth != Depth::Mono {
                if span.bold {
                    s = s.add_modifier(Modifier::BOLD);
                }
                if span.italic {
                    s = s.add_modifier(Modifier::ITALIC);
                }
            }
        }
        if line.emph.iter().any(|r| r.contains(&at)) {
            s = s.patch(emph_style);
        }
        s
    };
    let mut run_start = 0;
    let mut run_style = None;
    for (at, _) in line.text.char_indices() {
        let s = style_at(at);
        if run_style != Some(s) {
            if let Some(prev) = run_style {
                spans.push(Span::styled(line.text[run_start..at].to_owned(), prev));
            }
            run_start = at;
            run_style = Some(s);
        }
    }
    if let Some(prev) = run_style {
        spans.push(Span::styled(line.text[run_start..].to_owned(), prev));
    }
    Line::from(spans).style(line_style)
}

/// The status line: the current hunk's rules, safety, decision and reasons (or the prompt).
pub fn info(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    buf.set_style(area, theme.status);
    let line = if let Mode::Search(q) = &app.mode {
        Line::from(vec![
            Span::styled("search: ", theme.key),
            Span::raw(rows::display(q)),
            Span::styled("█", theme.current),
        ])
    } else if let Some(plan) = app.plans.get(app.file) {
        if let Some(hunk) = plan.hunks.get(app.hunk) {
            let mut rules: Vec<&str> = hunk.findings.iter().map(|&i| plan.findings[i].rule.id()).collect();
            rules.dedup();
            let first = &plan.findings[hunk.findings[0]];
            let more = hunk.findings.len() - 1;
            let mut reason = rows::display(&first.message);
            if more > 0 {
                let _ = write!(reason, " (+{more} more)");
            }
            let decision = plan.hunk_decision(app.hunk);
            Line::from(vec![
                Span::styled(rules.join(","), theme.key),
                Span::raw(" · "),
                Span::styled(plan.hunk_safety(app.hunk).as_str(), theme.current),
                Span::raw(" · "),
                Span::styled(
                    hunk_mark(decision),
                    match decision {
                        Decision::Accepted => theme.accepted,
                        Decision::Rejected => theme.rejected,
                        Decision::Pending => theme.pending,
                    },
                ),
                Span::raw(" "),
                Span::raw(reason),
            ])
        } else {
            let msg =
                plan.manual().next().map(|f| format!("{}: {}", f.rule, rows::display(&f.message))).unwrap_or_default();
            Line::from(vec![Span::styled("manual only · ", theme.manual), Span::raw(msg)])
        }
    } else if let Some(progress) = app.scanning {
        Line::raw(scan_progress(progress))
    } else {
        Line::raw("")
    };
    buf.set_line(area.x, area.y, &line.patch_style(theme.status), area.width);
}

/// The key bar, built from the keymap (reverse lookup), as much as fits.
pub fn key_bar(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let fixed: Option<&[(&str, &str)]> = match app.mode {
        Mode::Search(_) => Some(&[("Enter", "find"), ("Esc", "cancel")]),
        Mode::ConfirmWrite => Some(&[("y/Enter", "write"), ("other", "cancel")]),
        Mode::ConfirmQuit => Some(&[("y", "quit without writing"), ("other", "stay")]),
        Mode::Help => Some(&[("any key", "close help")]),
        Mode::Normal => None,
    };
    let pairs: Vec<(String, String)> = match fixed {
        Some(f) => f.iter().map(|(k, d)| ((*k).to_owned(), (*d).to_owned())).collect(),
        None => KEY_BAR.iter().filter_map(|&a| Some((app.keymap.hint(a)?, a.short().to_owned()))).collect(),
    };
    let mut spans = Vec::new();
    let mut used = 0;
    let width = usize::from(area.width);
    for (k, d) in pairs {
        let w = k.chars().count() + d.chars().count() + 3;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::styled(k, theme.key));
        spans.push(Span::styled(format!(" {d}  "), theme.dim));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// A centred box of at most `w`x`h` inside `area`, cleared, with a border and title.
fn dialog(app: &App, area: Rect, w: u16, h: u16, title: &str, buf: &mut Buffer) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let rect = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
    Clear.render(rect, buf);
    buf.set_style(rect, app.theme.base);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border_focus)
        .title(Span::styled(format!(" {title} "), app.theme.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

fn lines_into(lines: &[Line<'_>], area: Rect, buf: &mut Buffer) {
    for (i, line) in lines.iter().take(usize::from(area.height)).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

/// The help overlay: every action with its keys, from the keymap.
pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<Line> = Action::ALL
        .iter()
        .map(|&a| {
            let keys = app.keymap.hint(a).unwrap_or_else(|| "—".into());
            Line::from(vec![Span::styled(format!("{keys:>12}  "), app.theme.key), Span::raw(a.describe())])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "[✓] accepted  [✗] rejected  [ ] pending  [~] partly  [⚠] manual only  [!] not written",
        app.theme.dim,
    )));
    lines.push(Line::from(Span::styled("file list counts: pending, accepted ✓, rejected ✗, manual ⚠", app.theme.dim)));
    let inner = dialog(app, area, 74, lines.len() as u16 + 2, "Keys", buf);
    lines_into(&lines, inner, buf);
}

pub fn confirm_write(app: &App, area: Rect, buf: &mut Buffer) {
    let (hunks, files) = app.unwritten();
    let mut lines = vec![
        Line::from(Span::styled(format!("Write {hunks} accepted hunks to {files} files?"), app.theme.title)),
        Line::raw(""),
    ];
    for (f, plan) in app.plans.iter().enumerate() {
        if plan.has_accepted() {
            let (p, a, r) = plan.counts();
            lines.push(Line::from(vec![
                Span::styled(format!("{a:>4} ✓ "), app.theme.accepted),
                Span::raw(app.names[f].clone()),
                Span::styled(format!("  ({p} pending, {r} rejected: left as they are)"), app.theme.dim),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("y/Enter", app.theme.key),
        Span::raw(" write   "),
        Span::styled("any other key", app.theme.key),
        Span::raw(" cancel"),
    ]));
    let h = (lines.len() as u16 + 2).min(area.height);
    let inner = dialog(app, area, 76, h, "Write", buf);
    if lines.len() > usize::from(inner.height) && inner.height >= 2 {
        let last = lines.pop().unwrap_or_default();
        lines.truncate(usize::from(inner.height) - 1);
        lines.push(last);
    }
    lines_into(&lines, inner, buf);
}

pub fn confirm_quit(app: &App, area: Rect, buf: &mut Buffer) {
    let (hunks, files) = app.unwritten();
    let lines = vec![
        Line::from(Span::styled(format!("{hunks} accepted hunks in {files} files are not written."), app.theme.title)),
        Line::raw("Decisions are saved in the session; quit anyway?"),
        Line::from(vec![
            Span::styled("y", app.theme.key),
            Span::raw(" quit   "),
            Span::styled("any other key", app.theme.key),
            Span::raw(" stay"),
        ]),
    ];
    let inner = dialog(app, area, 60, 5, "Quit", buf);
    lines_into(&lines, inner, buf);
}
