//! Version specs of dependency files: PEP 440 clauses (`>=1.12,<2`, `==1.15.*`, `~=1.14`), the
//! range of releases a spec admits and whether two specs can meet, and the conda and Poetry
//! forms of the same.

use crate::rules::TfVersion;

/// A release number, `1.15.2` → `[1, 15, 2]` (pre/post/dev parts ignored).
fn release(version: &str) -> Vec<u64> {
    version
        .split('.')
        .map_while(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    let pad = |v: &[u64]| (0..n).map(|i| v.get(i).copied().unwrap_or(0)).collect::<Vec<_>>();
    pad(a).cmp(&pad(b))
}

/// Whether `version` satisfies every clause of `spec` (`>=1.12,<2`, `==1.15.*`, `~=1.14`).
pub(super) fn satisfies(spec: &str, version: &[u64]) -> bool {
    spec.split(',').map(str::trim).filter(|c| !c.is_empty()).all(|clause| {
        let op_len = clause.find(|c: char| c.is_ascii_digit() || c == '*').unwrap_or(clause.len());
        let (op, v) = clause.split_at(op_len);
        let (op, v) = (op.trim(), v.trim());
        let wildcard = v.ends_with(".*");
        let want = release(v.trim_end_matches(".*"));
        let ord = cmp(version, &want);
        let prefix = version.len() >= want.len() && version[..want.len()] == want[..];
        match op {
            "==" | "===" if wildcard => prefix,
            "==" | "===" | "" => ord.is_eq(),
            "!=" if wildcard => !prefix,
            "!=" => !ord.is_eq(),
            ">=" => ord.is_ge(),
            "<=" => ord.is_le(),
            ">" => ord.is_gt(),
            "<" => ord.is_lt(),
            "~=" => ord.is_ge() && want.len() > 1 && version[..want.len() - 1] == want[..want.len() - 1],
            _ => true,
        }
    })
}

/// One end of a version range: the version, and whether it is included.
type End = (Vec<u64>, bool);

/// Whether `end` bounds a range tighter than `current` does: further `inward` (`Greater` for a
/// lower end, `Less` for an upper one), or as far but excluded.
fn tighter(end: &End, current: Option<&End>, inward: std::cmp::Ordering) -> bool {
    current.is_none_or(|c| match cmp(&end.0, &c.0) {
        std::cmp::Ordering::Equal => !end.1,
        order => order == inward,
    })
}

/// The range of releases `spec` admits (`!=` clauses left out): lowest and highest end.
fn range_of(spec: &str) -> (Option<End>, Option<End>) {
    let (mut lo, mut hi): (Option<End>, Option<End>) = (None, None);
    let mut raise = |end: End| {
        if tighter(&end, lo.as_ref(), std::cmp::Ordering::Greater) {
            lo = Some(end);
        }
    };
    let mut upper: Vec<End> = Vec::new();
    for clause in spec.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let op_len = clause.find(|c: char| c.is_ascii_digit()).unwrap_or(clause.len());
        let (op, v) = clause.split_at(op_len);
        let wildcard = v.ends_with(".*");
        let v = release(v.trim_end_matches(".*"));
        // The release after the last component of `v` moves up (`1.15.*` ends before 1.16).
        let next = |v: &[u64]| {
            let mut n = v.to_vec();
            if let Some(last) = n.last_mut() {
                *last += 1;
            }
            n
        };
        match op.trim() {
            ">=" => raise((v, true)),
            ">" => raise((v, false)),
            "<=" => upper.push((v, true)),
            "<" => upper.push((v, false)),
            "==" | "===" | "" if wildcard => {
                upper.push((next(&v), false));
                raise((v, true));
            }
            "==" | "===" | "" => {
                upper.push((v.clone(), true));
                raise((v, true));
            }
            "~=" if v.len() > 1 => {
                upper.push((next(&v[..v.len() - 1]), false));
                raise((v, true));
            }
            _ => {}
        }
    }
    for end in upper {
        if tighter(&end, hi.as_ref(), std::cmp::Ordering::Less) {
            hi = Some(end);
        }
    }
    (lo, hi)
}

/// Whether some release satisfies both specs (as far as their ranges tell).
pub(super) fn compatible(a: &str, b: &str) -> bool {
    let (a_lo, a_hi) = range_of(a);
    let (b_lo, b_hi) = range_of(b);
    let lo = [a_lo, b_lo].into_iter().flatten().max_by(|x, y| cmp(&x.0, &y.0).then(y.1.cmp(&x.1)));
    let hi = [a_hi, b_hi].into_iter().flatten().min_by(|x, y| cmp(&x.0, &y.0).then(x.1.cmp(&y.1)));
    match (lo, hi) {
        (Some(lo), Some(hi)) => match cmp(&lo.0, &hi.0) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Equal => lo.1 && hi.1,
            std::cmp::Ordering::Greater => false,
        },
        _ => true,
    }
}

/// A requirement spec as pip reads it: conda's `=1.15` means `==1.15.*`; spaces go.
pub(super) fn pip_spec(spec: &str, conda: bool) -> String {
    match spec.strip_prefix('=') {
        Some(v) if conda && !v.starts_with('=') => format!("=={v}.*"),
        _ => spec.replace(' ', ""),
    }
}

/// A PEP 440 spec in conda's match-spec syntax (`>=1.26.0` stays, `~=0.5.1` is `>=0.5.1,<0.6`).
pub(super) fn conda_spec(spec: &str) -> String {
    spec.split(',')
        .map(|c| match c.strip_prefix("~=") {
            Some(v) => {
                let parts = release(v);
                let mut next = parts[..parts.len().saturating_sub(1)].to_vec();
                if let Some(last) = next.last_mut() {
                    *last += 1;
                }
                let next: Vec<String> = next.iter().map(u64::to_string).collect();
                format!(">={v},<{}", next.join("."))
            }
            None => c.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Poetry's `^2.21` / `~2.21` forms: whether they admit the target.
pub(super) fn poetry_spec_ok(spec: &str, target: TfVersion) -> bool {
    let (op, v) = spec.split_at(spec.find(|c: char| c.is_ascii_digit()).unwrap_or(spec.len()));
    let want = release(v);
    match op {
        "^" => {
            want.first() == Some(&u64::from(target.major))
                && cmp(&[u64::from(target.major), u64::from(target.minor)], &want).is_ge()
        }
        "~" => want.len() >= 2 && want[..2] == [u64::from(target.major), u64::from(target.minor)],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ranges_meet_or_not() {
        assert!(compatible(">=1.16", ">=1.26.0"));
        assert!(!compatible("==1.16", ">=1.26.0"));
        assert!(!compatible("<1.20", ">=1.26.0"));
        assert!(compatible("<=1.26.0", ">=1.26.0"));
        assert!(!compatible("<1.26.0", ">=1.26.0"));
        assert!(!compatible("==1.15.*", ">=1.26.0"));
        assert!(compatible("~=1.26", ">=1.26.0"));
        assert!(!compatible("~=3.20", "<8.0.0,>=6.31.1"));
        assert!(compatible("!=6.31.1", "<8.0.0,>=6.31.1"), "!= leaves the rest");
        assert!(compatible("", ">=1.26.0"));
        assert_eq!(conda_spec("~=0.5.1"), ">=0.5.1,<0.6");
    }
}
