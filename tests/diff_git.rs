//! Checks the diff module against real `git`: the parser reads what git writes (and what
//! forges derive from it), and hunks computed from texts agree with git's. Needs `git` on
//! PATH; runs in temporary directories with the user's and system's git configuration
//! switched off, so results do not depend on the machine.

use std::path::Path;
use std::process::Command;

use snakeguard::diff::{
    ChangeSet, ChangedLines, FileStatus, Hunk, LineKind, LinesSource, Side, diff_texts,
    hunks_match_texts, parse_git_diff, parse_hunks,
};

fn git_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("LC_ALL", "C")
        .output()
        .expect("git runs");
    // `git diff --no-index` exits 1 when the files differ.
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn git(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(git_bytes(dir, args)).expect("utf-8 output")
}

/// Sets up a repository with one commit, then stages a change of every kind.
fn repo_with_changes(dir: &Path) {
    let write = |p: &str, c: &[u8]| std::fs::write(dir.join(p), c).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "t@example.com"]);
    git(dir, &["config", "user.name", "t"]);
    let body: String = (1..=30).map(|i| format!("line_{i} = {i}\n")).collect();
    write("mod.py", body.as_bytes());
    write("gone.py", b"import os\nos.system('x')\n");
    let renamed: String = (1..=30).map(|i| format!("moved_{i} = {i}\n")).collect();
    let copied: String = (1..=30).map(|i| format!("copied_{i} = {i}\n")).collect();
    write("old_name.py", renamed.as_bytes());
    write("source.py", copied.as_bytes());
    write("foo bar.py", b"a = 1\nb = 2\n");
    write("sp\u{e9}cial.py", b"x = 1");
    write("crlf.py", b"a = 1\r\nb = 2\r\nc = 3\r\n");
    write("blob.bin", b"\x00\x01\x02binary");
    write("script.sh", b"echo hi\n");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "base"]);

    let modified = body
        .replace("line_2 = 2\n", "import subprocess\nline_2 = 2\n")
        .replace(
            "line_15 = 15\n",
            "line_15 = subprocess.run(cmd, shell=True)\n",
        )
        .replace("line_29 = 29\n", "");
    write("mod.py", modified.as_bytes());
    std::fs::remove_file(dir.join("gone.py")).unwrap();
    std::fs::remove_file(dir.join("old_name.py")).unwrap();
    write(
        "new_name.py",
        renamed
            .replace("moved_30 = 30\n", "moved_30 = eval(x)\n")
            .as_bytes(),
    );
    write(
        "copy.py",
        copied
            .replace("copied_1 = 1\n", "copied_1 = 'copy'\n")
            .as_bytes(),
    );
    write("foo bar.py", b"a = 1\nb = 3\n");
    write("sp\u{e9}cial.py", b"x = 2\n");
    write("crlf.py", b"a = 1\r\nb = 20\r\nc = 3\r\n");
    write("blob.bin", b"\x00\x01\x03binary");
    write("added.py", b"def f():\n    return 1\n");
    write("empty.py", b"");
    write("tab\tname.py", b"t = 1\n");
    let mut perms = std::fs::metadata(dir.join("script.sh"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(dir.join("script.sh"), perms).unwrap();
    git(dir, &["add", "-A"]);
}

/// `git diff` as a front door should call it: explicit prefixes override the user's
/// `diff.noprefix` / `diff.mnemonicPrefix` (set here to prove it).
fn staged_diff(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "-c",
        "diff.noprefix=true",
        "-c",
        "diff.mnemonicPrefix=true",
        "diff",
        "--cached",
        "--no-color",
        "--no-ext-diff",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "-M",
        "-C",
        "--find-copies-harder",
    ];
    args.extend_from_slice(extra);
    git(dir, &args)
}

#[test]
fn real_git_diff_parses_and_matches_the_texts() {
    let dir = tempfile::tempdir().unwrap();
    repo_with_changes(dir.path());
    for extra in [&[][..], &["--binary"][..], &["-U0"][..], &["-U10"][..]] {
        let text = staged_diff(dir.path(), extra);
        let files = parse_git_diff(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut summary: Vec<_> = files
            .iter()
            .map(|f| {
                (
                    f.old_path.clone().unwrap_or_default(),
                    f.new_path.clone().unwrap_or_default(),
                    f.status,
                    f.is_binary,
                )
            })
            .collect();
        summary.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let s = |x: &str| x.to_owned();
        use FileStatus::*;
        assert_eq!(
            summary,
            vec![
                (s(""), s("added.py"), Added, false),
                (s(""), s("empty.py"), Added, false),
                (s(""), s("tab\tname.py"), Added, false),
                (s("blob.bin"), s("blob.bin"), Modified, true),
                (s("crlf.py"), s("crlf.py"), Modified, false),
                (s("foo bar.py"), s("foo bar.py"), Modified, false),
                (s("gone.py"), s(""), Removed, false),
                (s("mod.py"), s("mod.py"), Modified, false),
                (s("old_name.py"), s("new_name.py"), Renamed, false),
                (s("script.sh"), s("script.sh"), Modified, false),
                (s("source.py"), s("copy.py"), Copied, false),
                (s("sp\u{e9}cial.py"), s("sp\u{e9}cial.py"), Modified, false),
            ],
            "git diff {extra:?}"
        );

        // Every file's hunks describe exactly the base and head texts.
        let root = dir.path();
        let load = |side: Side, path: &str| {
            let spec = match side {
                Side::Base => format!("HEAD:{path}"),
                Side::Head => format!(":{path}"),
            };
            Some(String::from_utf8_lossy(&git_bytes(root, &["show", &spec])).into_owned())
        };
        let set = ChangeSet::from_git_diff(&text, load).unwrap();
        for f in &set.files {
            let expected = if f.path() == "blob.bin" {
                LinesSource::Computed
            } else {
                LinesSource::Patch
            };
            assert_eq!(f.lines_source, expected, "{} with {extra:?}", f.path());
        }
        let m = set.files.iter().find(|f| f.path() == "mod.py").unwrap();
        assert_eq!(m.changed.added_lines().collect::<Vec<_>>(), vec![2, 16]);
        assert_eq!(m.changed.map_old_to_new(29), None);
        assert_eq!(m.changed.map_old_to_new(30), Some(30));
        assert_eq!(m.changed.map_old_to_new(14), Some(15));
        let names: Vec<_> = set.python_files().map(|f| f.path().to_owned()).collect();
        assert!(names.contains(&"gone.py".to_owned()) && !names.contains(&"script.sh".to_owned()));
    }
}

/// GitHub's `patch` field is git's output for one file from its first `@@`, without the
/// final newline: parsing that gives the same hunks.
#[test]
fn forge_style_patches_give_the_same_hunks() {
    let dir = tempfile::tempdir().unwrap();
    repo_with_changes(dir.path());
    let text = staged_diff(dir.path(), &[]);
    let files = parse_git_diff(&text).unwrap();
    let sections: Vec<&str> = text.split("diff --git ").skip(1).collect();
    assert_eq!(sections.len(), files.len());
    for (section, file) in sections.iter().zip(&files) {
        let patch = section.find("\n@@").map_or("", |i| &section[i + 1..]);
        let patch = patch.strip_suffix('\n').unwrap_or(patch);
        assert_eq!(parse_hunks(patch).unwrap(), file.hunks, "{section}");
    }
}

/// git's hunks for two texts, via `git diff --no-index`.
fn git_hunks(dir: &Path, old: &str, new: &str, context: usize) -> Vec<Hunk> {
    std::fs::write(dir.join("old.py"), old).unwrap();
    std::fs::write(dir.join("new.py"), new).unwrap();
    let u = format!("-U{context}");
    let args = [
        "diff",
        "--no-index",
        "--no-color",
        "--no-ext-diff",
        &u,
        "old.py",
        "new.py",
    ];
    let text = git(dir, &args);
    let mut files = parse_git_diff(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut hunks = files.pop().map(|f| f.hunks).unwrap_or_default();
    hunks.iter_mut().for_each(|h| h.section = None);
    hunks
}

fn changed_line_count(hunks: &[Hunk]) -> usize {
    hunks
        .iter()
        .flat_map(|h| &h.lines)
        .filter(|l| l.kind != LineKind::Context)
        .count()
}

/// Compares our hunks with git's for one pair of texts; returns (same hunks, same added).
fn compare_with_git(dir: &Path, old: &str, new: &str) -> (bool, bool) {
    let ours = diff_texts(old, new, 3);
    let theirs = git_hunks(dir, old, new, 3);
    assert!(hunks_match_texts(&ours, Some(old), Some(new)));
    assert!(hunks_match_texts(&theirs, Some(old), Some(new)));
    // Myers gives a minimal diff; git's may be larger, never smaller.
    assert!(changed_line_count(&ours) <= changed_line_count(&theirs));
    let same_added = ChangedLines::from_hunks(&ours).added_ranges()
        == ChangedLines::from_hunks(&theirs).added_ranges();
    (ours == theirs, same_added)
}

/// Small deterministic generator (xorshift), so the test needs no extra crates.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn edit(rng: &mut Rng, lines: &[String], pool: &[String]) -> Vec<String> {
    let mut out = lines.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(3) {
            0 if at < out.len() => {
                out.remove(at);
            }
            1 if at < out.len() => out[at] = pool[rng.below(pool.len())].clone(),
            _ => {
                for k in 0..1 + rng.below(3) {
                    out.insert(at + k, pool[rng.below(pool.len())].clone());
                }
            }
        }
    }
    out
}

fn join(lines: &[String]) -> String {
    lines.iter().map(|s| format!("{s}\n")).collect()
}

/// Highly repetitive texts: the worst case for agreeing with git on ambiguous placements.
#[test]
fn computed_hunks_versus_git_on_repetitive_texts() {
    let dir = tempfile::tempdir().unwrap();
    let pool: Vec<String> = [
        "import os",
        "",
        "def run(cmd):",
        "    x = 1",
        "    os.system(cmd)",
        "    return x",
        "class A:",
        "    pass",
        "# comment",
    ]
    .map(String::from)
    .to_vec();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut same, mut same_added, total) = (0, 0, 200);
    for _ in 0..total {
        let old: Vec<String> = (0..rng.below(40))
            .map(|_| pool[rng.below(pool.len())].clone())
            .collect();
        let new = edit(&mut rng, &old, &pool);
        let (a, b) = compare_with_git(dir.path(), &join(&old), &join(&new));
        same += usize::from(a);
        same_added += usize::from(b);
    }
    eprintln!(
        "repetitive: identical hunks {same}/{total}, identical added lines {same_added}/{total}"
    );
    assert!(same_added * 10 >= total * 7, "agreement with git dropped");
}

/// Edits of real Python files (the machine's standard library, if present).
#[test]
fn computed_hunks_versus_git_on_python_sources() {
    let Ok(entries) = std::fs::read_dir("/usr/lib/python3.11") else {
        eprintln!("no Python standard library here; skipped");
        return;
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut same, mut same_added, mut total) = (0, 0, 0);
    for path in paths.iter().take(60) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let lines: Vec<String> = text.lines().map(String::from).collect();
        if lines.is_empty() {
            continue;
        }
        let new = edit(&mut rng, &lines, &lines);
        let (a, b) = compare_with_git(dir.path(), &join(&lines), &join(&new));
        same += usize::from(a);
        same_added += usize::from(b);
        total += 1;
    }
    eprintln!("stdlib: identical hunks {same}/{total}, identical added lines {same_added}/{total}");
    assert!(same_added * 10 >= total * 8, "agreement with git dropped");
}
