//! What `apply` does to one plan: decide by policy, rewrite until nothing more applies, verify
//! the result (it parses; a notebook changed only in its code cells) and write it.

use crate::apply;
use crate::deps::DepsKind;
use crate::error::Error;
use crate::fix::{Fix, Safety};
use crate::plan::{Decision, FilePlan};
use crate::source::Blocker;
use crate::write::{self, WriteRequest};

use super::{Settings, check_file, check_text, one_keras};

/// Which fixes `apply` takes without asking.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub min_safety: Safety,
}

impl Policy {
    pub fn accepts(self, fix: &Fix) -> bool {
        fix.safety >= self.min_safety
    }
}

/// How many times `apply` re-runs the rules over its own output to pick up fixes that overlapped.
const MAX_PASSES: usize = 4;

/// Decide by policy and compute a file's new text, re-running the rules over the result until
/// nothing more applies. Returns `None` when nothing changes.
///
/// For a notebook the text returned is its new JSON (see [`FilePlan::original`]).
pub fn migrate(plan: &mut FilePlan, policy: Policy, settings: &Settings) -> Result<Option<String>, Error> {
    plan.decide_where(Decision::Accepted, |_, fix| policy.accepts(fix));
    if plan.notebook.is_some() {
        return migrate_notebook(plan, policy, settings);
    }
    if let Some(kind) = plan.deps {
        // One pass: the pins a dependency file gets do not ask for more. A `setup.py` is
        // Python: the edited one must parse as the original did.
        let text = plan.apply_accepted().text;
        if kind == DepsKind::SetupPy && text != plan.text {
            let before_ok = crate::source::blocker_of(&plan.text).is_none();
            apply::verify(before_ok, &text).map_err(|_| broke_syntax(plan))?;
        }
        return Ok((text != plan.text).then_some(text));
    }
    let mut text = plan.apply_accepted().text;
    if text == plan.text {
        return Ok(None);
    }
    let keeps_keras2 = crate::rules::keras3::keeps_keras2(&plan.findings) == Some(true);
    // Each pass re-checks the previous pass's text; that parse also verifies it.
    for pass in 1..=MAX_PASSES {
        let (mut next, _) = check_text(plan.path.clone(), plan.root.clone(), text.clone(), plan.encoding, settings);
        if plan.blocker.is_none() && next.blocker.is_some() {
            return Err(broke_syntax(plan));
        }
        if keeps_keras2 {
            // Keras 2 because of another file: the file alone would not know.
            next.keep_keras2(one_keras::OTHER_KEEPS_KERAS2);
        }
        if pass == MAX_PASSES {
            break;
        }
        next.decide_where(Decision::Accepted, |_, fix| policy.accepts(fix));
        let again = next.apply_accepted().text;
        if again == text {
            break;
        }
        text = again;
    }
    Ok(Some(text))
}

/// [`migrate`] for a notebook (fixes already decided): every pass maps the accepted edits of
/// the program onto the JSON, and the next pass reads that JSON again.
fn migrate_notebook(plan: &FilePlan, policy: Policy, settings: &Settings) -> Result<Option<String>, Error> {
    let original = plan.original();
    let mut json = notebook_json(plan)?;
    if json == original {
        return Ok(None);
    }
    for pass in 1..=MAX_PASSES {
        verify_notebook(plan, &json)?;
        if pass == MAX_PASSES {
            break;
        }
        let (mut next, _) = check_file(plan.path.clone(), plan.root.clone(), json.clone(), plan.encoding, settings)
            .map_err(|_| broke_syntax(plan))?;
        next.decide_where(Decision::Accepted, |_, fix| policy.accepts(fix));
        let again = notebook_json(&next)?;
        if again == json {
            break;
        }
        json = again;
    }
    Ok(Some(json))
}

/// A notebook plan's JSON with its accepted edits made (not verified).
fn notebook_json(plan: &FilePlan) -> Result<String, Error> {
    let Some(nb) = &plan.notebook else { return Ok(plan.text.clone()) };
    nb.json_with(&plan.accepted_edits()).map_err(|e| Error::Refused {
        path: plan.path.clone(),
        reason: format!("the accepted edits cannot be written into the notebook ({e}); file left unchanged"),
    })
}

/// Check a notebook's new JSON against the one read (see [`NotebookFile::verify`]).
///
/// [`NotebookFile::verify`]: crate::notebook::file::NotebookFile::verify
fn verify_notebook(plan: &FilePlan, json: &str) -> Result<(), Error> {
    let Some(nb) = &plan.notebook else { return Ok(()) };
    nb.verify(json).map(drop).map_err(|why| Error::Refused {
        path: plan.path.clone(),
        reason: format!("{why} (please report this); file left unchanged"),
    })
}

/// The text with exactly the accepted fixes applied (decisions made elsewhere, e.g. in a review),
/// verified; `None` when nothing changes. For a notebook, its new JSON.
pub fn accepted_text(plan: &FilePlan) -> Result<Option<String>, Error> {
    if plan.notebook.is_some() {
        let json = notebook_json(plan)?;
        if json == plan.original() {
            return Ok(None);
        }
        verify_notebook(plan, &json)?;
        return Ok(Some(json));
    }
    let text = plan.apply_accepted().text;
    if text == plan.text {
        return Ok(None);
    }
    if plan.deps.is_none() {
        verify(plan, &text)?;
    }
    Ok(Some(text))
}

/// Why `diff` and `apply` leave a whole file alone (a note naming it, not an error): Python 2 code,
/// or text that does not parse (a partial rewrite of a broken file cannot be verified, and the
/// passes over it need not converge). [`migrate`] itself still rewrites outside the broken
/// statement, for the review UI.
pub fn not_rewritable(plan: &FilePlan) -> Option<Error> {
    let at = |offset: usize| {
        let (line, col) = plan.lines().line_col(&plan.text, offset);
        format!("{line}:{col}")
    };
    let reason = match plan.blocker? {
        Blocker::Python2 { at: offset } => {
            format!("Python 2 code at {}; convert it to Python 3 first (2to3, pyupgrade)", at(offset))
        }
        Blocker::TooDeep { at: offset } => format!(
            "nested more than {} levels deep; the file is left alone (at {})",
            crate::source::MAX_DEPTH,
            at(offset)
        ),
        Blocker::Syntax { at: offset } => {
            let place = offset.map_or_else(String::new, |o| format!(" at {}", at(o)));
            format!("it does not parse (syntax error{place}); fix that first, then run again")
        }
    };
    Some(Error::Skipped { path: plan.path.clone(), reason })
}

fn verify(plan: &FilePlan, text: &str) -> Result<(), Error> {
    apply::verify(plan.blocker.is_none(), text).map_err(|_| broke_syntax(plan))
}

fn broke_syntax(plan: &FilePlan) -> Error {
    Error::Refused {
        path: plan.path.clone(),
        reason: "the rewrite would introduce a syntax error (please report this); file left unchanged".into(),
    }
}

/// Write a file's new text (a notebook's new JSON) through the safe writer.
pub fn write_plan(plan: &FilePlan, new_text: &str) -> Result<bool, Error> {
    write::write(&WriteRequest {
        path: &plan.path,
        root: &plan.root,
        original: plan.original(),
        new_text,
        encoding: plan.encoding,
    })
}
