//! `check --format sarif` against the structure the SARIF 2.1.0 JSON schema requires of the
//! objects we emit (required properties, property names, types, enums and minimums), and
//! `check --format github` annotations with GitHub's escaping. The schema is public
//! (`sarif-schema-2.1.0.json`, OASIS); this is a hand-written check of its rules for these
//! parts, not a copy of it.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tf2-migrate"));
    c.env_remove("NO_COLOR").env("CI", "true");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

/// One schema definition: the properties it requires, those it allows (`additionalProperties`
/// is false in the schema for all of these), and the definition of each nested object.
struct Def {
    required: &'static [&'static str],
    allowed: &'static [&'static str],
}

#[allow(clippy::too_many_lines)] // One table: the schema's property lists, one arm per definition.
fn def(name: &str) -> Def {
    let (required, allowed): (&[&str], &[&str]) = match name {
        "sarifLog" => (&["version", "runs"], &["$schema", "version", "runs", "inlineExternalProperties", "properties"]),
        "run" => (
            &["tool"],
            &[
                "tool",
                "invocations",
                "conversion",
                "language",
                "versionControlProvenance",
                "originalUriBaseIds",
                "artifacts",
                "logicalLocations",
                "graphs",
                "results",
                "automationDetails",
                "runAggregates",
                "baselineGuid",
                "redactionTokens",
                "defaultEncoding",
                "defaultSourceLanguage",
                "newlineSequences",
                "columnKind",
                "externalPropertyFileReferences",
                "threadFlowLocations",
                "taxonomies",
                "addresses",
                "translations",
                "policies",
                "webRequests",
                "webResponses",
                "specialLocations",
                "properties",
            ],
        ),
        "tool" => (&["driver"], &["driver", "extensions", "properties"]),
        "toolComponent" => (
            &["name"],
            &[
                "guid",
                "name",
                "organization",
                "product",
                "productSuffix",
                "shortDescription",
                "fullDescription",
                "fullName",
                "version",
                "semanticVersion",
                "dottedQuadFileVersion",
                "releaseDateUtc",
                "downloadUri",
                "informationUri",
                "globalMessageStrings",
                "notifications",
                "rules",
                "taxa",
                "locations",
                "language",
                "contents",
                "isComprehensive",
                "localizedDataSemanticVersion",
                "minimumRequiredLocalizedDataSemanticVersion",
                "associatedComponent",
                "translationMetadata",
                "supportedTaxonomies",
                "properties",
            ],
        ),
        "reportingDescriptor" => (
            &["id"],
            &[
                "id",
                "deprecatedIds",
                "guid",
                "deprecatedGuids",
                "name",
                "deprecatedNames",
                "shortDescription",
                "fullDescription",
                "messageStrings",
                "defaultConfiguration",
                "helpUri",
                "help",
                "relationships",
                "properties",
            ],
        ),
        "multiformatMessageString" => (&["text"], &["text", "markdown", "properties"]),
        "result" => (
            &["message"],
            &[
                "ruleId",
                "ruleIndex",
                "rule",
                "kind",
                "level",
                "message",
                "analysisTarget",
                "locations",
                "guid",
                "correlationGuid",
                "occurrenceCount",
                "partialFingerprints",
                "fingerprints",
                "stacks",
                "codeFlows",
                "graphs",
                "graphTraversals",
                "relatedLocations",
                "suppressions",
                "baselineState",
                "rank",
                "attachments",
                "hostedViewerUri",
                "workItemUris",
                "provenance",
                "fixes",
                "taxa",
                "webRequest",
                "webResponse",
                "properties",
            ],
        ),
        "message" => (&[], &["text", "markdown", "id", "arguments", "properties"]),
        "location" => (
            &[],
            &["id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"],
        ),
        "physicalLocation" => (&[], &["address", "artifactLocation", "region", "contextRegion", "properties"]),
        "artifactLocation" => (&[], &["uri", "uriBaseId", "index", "description", "properties"]),
        "region" => (
            &[],
            &[
                "startLine",
                "startColumn",
                "endLine",
                "endColumn",
                "charOffset",
                "charLength",
                "byteOffset",
                "byteLength",
                "snippet",
                "message",
                "sourceLanguage",
                "properties",
            ],
        ),
        "fix" => (&["artifactChanges"], &["description", "artifactChanges", "properties"]),
        "artifactChange" => {
            (&["artifactLocation", "replacements"], &["artifactLocation", "replacements", "properties"])
        }
        "replacement" => (&["deletedRegion"], &["deletedRegion", "insertedContent", "properties"]),
        "artifactContent" => (&[], &["text", "binary", "rendered", "properties"]),
        other => panic!("no definition {other}"),
    };
    Def { required, allowed }
}

/// The definition of property `key` of a `parent` object (objects and arrays of objects).
fn child(parent: &str, key: &str) -> Option<&'static str> {
    Some(match (parent, key) {
        ("sarifLog", "runs") => "run",
        ("run", "tool") => "tool",
        ("run", "results") => "result",
        ("tool", "driver") => "toolComponent",
        ("toolComponent", "rules") => "reportingDescriptor",
        ("toolComponent" | "reportingDescriptor", "shortDescription" | "fullDescription" | "help") => {
            "multiformatMessageString"
        }
        ("result" | "fix", "message" | "description") => "message",
        ("result", "locations") => "location",
        ("result", "fixes") => "fix",
        ("location", "physicalLocation") => "physicalLocation",
        ("physicalLocation" | "artifactChange", "artifactLocation") => "artifactLocation",
        ("physicalLocation", "region") | ("replacement", "deletedRegion") => "region",
        ("fix", "artifactChanges") => "artifactChange",
        ("artifactChange", "replacements") => "replacement",
        ("replacement", "insertedContent") => "artifactContent",
        _ => return None,
    })
}

fn check(name: &str, v: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(obj) = v.as_object() else {
        problems.push(format!("{at}: {name} is not an object"));
        return;
    };
    let d = def(name);
    for r in d.required {
        if !obj.contains_key(*r) {
            problems.push(format!("{at}: {name} lacks required {r}"));
        }
    }
    for (key, value) in obj {
        let here = format!("{at}.{key}");
        if !d.allowed.contains(&key.as_str()) {
            problems.push(format!("{here}: {name} allows no property {key}"));
            continue;
        }
        if key == "properties" {
            // A property bag: any object; its `tags` are unique strings.
            match value.as_object() {
                Some(bag) => {
                    if let Some(tags) = bag.get("tags") {
                        let tags: Vec<&str> = tags.as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
                        let mut unique = tags.clone();
                        unique.sort_unstable();
                        unique.dedup();
                        assert_eq!(unique.len(), tags.len(), "{here}: tags are unique");
                    }
                }
                None => problems.push(format!("{here}: a property bag is an object")),
            }
            continue;
        }
        scalar_rules(name, key, value, &here, problems);
        if let Some(c) = child(name, key) {
            match value {
                Value::Array(items) => {
                    let min = usize::from(matches!(key.as_str(), "artifactChanges" | "replacements"));
                    if items.len() < min {
                        problems.push(format!("{here}: at least {min} item"));
                    }
                    for (i, item) in items.iter().enumerate() {
                        check(c, item, &format!("{here}[{i}]"), problems);
                    }
                }
                _ => check(c, value, &here, problems),
            }
        }
    }
    if name == "message" && !obj.contains_key("text") && !obj.contains_key("id") {
        problems.push(format!("{at}: a message has text or id"));
    }
    if name == "physicalLocation" && !obj.contains_key("artifactLocation") && !obj.contains_key("address") {
        problems.push(format!("{at}: a physicalLocation has an artifactLocation or an address"));
    }
}

/// Types, enums and minimums of the scalar properties we emit.
fn scalar_rules(name: &str, key: &str, v: &Value, at: &str, problems: &mut Vec<String>) {
    let string = || v.is_string();
    let ok = match (name, key) {
        ("sarifLog", "version") => v == "2.1.0",
        ("sarifLog" | "run" | "result" | "toolComponent" | "fix" | "artifactChange", _) if v.is_array() => true,
        ("run", "columnKind") => v == "utf16CodeUnits" || v == "unicodeCodePoints",
        ("result", "level") => ["none", "note", "warning", "error"].iter().any(|l| v == *l),
        ("result", "ruleIndex") => v.as_i64().is_some_and(|i| i >= -1),
        ("region", "startLine" | "startColumn" | "endLine" | "endColumn") => v.as_i64().is_some_and(|i| i >= 1),
        ("sarifLog", "$schema")
        | ("toolComponent", "name" | "version" | "informationUri")
        | ("result", "ruleId")
        | ("reportingDescriptor", "id")
        | ("artifactLocation", "uri" | "uriBaseId")
        | ("multiformatMessageString" | "message" | "artifactContent", "text") => string(),
        _ => true,
    };
    if !ok {
        problems.push(format!("{at}: {v} is not a valid {name}.{key}"));
    }
}

fn validate(log: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check("sarifLog", log, "$", &mut problems);
    problems
}

#[test]
fn sarif_output_has_the_structure_the_schema_requires() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(root, &["check", "--no-cache", "--format", "sarif", "examples/legacy_project"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let log: Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = validate(&log);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let sarif_run = &log["runs"][0];
    let rules = sarif_run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = sarif_run["results"].as_array().unwrap();
    assert!(results.len() > 20);
    let uri = &results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uri"], "examples/legacy_project/keras_cnn.py");
    assert_eq!(uri["uriBaseId"], "%SRCROOT%");
    for r in results {
        // ruleIndex points at the descriptor of ruleId, which carries the declared safeties.
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        let safety = r["properties"]["safety"].as_str().unwrap();
        let declared: Vec<&str> =
            rule["properties"]["safety"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        assert!(safety == "manual" || declared.contains(&safety), "{r}");
        assert_eq!(r.get("fixes").is_some(), safety != "manual", "a fix exactly where there is a rewrite: {r}");
    }
    // A fix replaces the finding's text on the original: tf.log → tf.math.log.
    let log_fix = results
        .iter()
        .find(|r| r["ruleId"] == "tf2-rename")
        .and_then(|r| r["fixes"][0]["artifactChanges"][0]["replacements"][0].as_object().cloned())
        .unwrap();
    assert_eq!(log_fix["insertedContent"]["text"], "tf.math.log");
    assert_eq!(
        log_fix["deletedRegion"]["endColumn"].as_u64().unwrap()
            - log_fix["deletedRegion"]["startColumn"].as_u64().unwrap(),
        6
    );
}

#[test]
fn the_validator_rejects_what_the_schema_rejects() {
    let bad = serde_json::json!({
        "version": "2.0.0",
        "runs": [{ "tool": { "driver": {} }, "results": [{ "level": "fatal", "message": {},
            "locations": [{ "physicalLocation": { "region": { "startLine": 0 } } }],
            "fixes": [{ "artifactChanges": [] }], "extra": 1 }] }]
    });
    let problems = validate(&bad).join("\n");
    for expected in [
        "version",
        "lacks required name",
        "result.level",
        "message has text or id",
        "artifactLocation or an address",
        "region.startLine",
        "at least 1 item",
        "allows no property extra",
    ] {
        assert!(problems.contains(expected), "{expected:?} not in:\n{problems}");
    }
}

#[test]
fn github_annotations_escape_per_githubs_rules() {
    let tmp = tempfile::tempdir().unwrap();
    // A name with the characters a workflow command's properties must escape.
    let dir = tmp.path().join("a,b:c%");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("x.py"), "import tensorflow as tf\ny = tf.log(x)\n").unwrap();
    let o = run(tmp.path(), &["check", "--format", "github", "."]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("::error file=a%2Cb%3Ac%25/x.py,line=2,col=5,endLine=2,endColumn=11,title=tf2-migrate [tf2-rename] (safe)::`tf.log` is `tf.math.log` in TensorFlow 2\n"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1);
    assert_eq!(tf2_migrate_core::report::github_data("50%\r\nnext"), "50%25%0D%0Anext");
    assert_eq!(tf2_migrate_core::report::github_property("a:b,c"), "a%3Ab%2Cc");
}
