//! Credentials pasted into a document: where they are, what kind they are, and how to
//! show them without showing them. The `hardcoded-secret` rule reports them; every
//! renderer masks them, so no output repeats a value (SPEC: no format prints a secret).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AwsAccessKeyId,
    AwsSecretKey,
    GitHubToken,
    GitLabToken,
    SlackToken,
    SlackWebhook,
    PrivateKey,
    UrlPassword,
    Jwt,
    GoogleApiKey,
    /// A high-entropy value assigned to a name such as `API_TOKEN` or `password`.
    Assigned,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::AwsAccessKeyId => "AWS access key ID",
            Kind::AwsSecretKey => "AWS secret access key",
            Kind::GitHubToken => "GitHub token",
            Kind::GitLabToken => "GitLab token",
            Kind::SlackToken => "Slack token",
            Kind::SlackWebhook => "Slack webhook URL",
            Kind::PrivateKey => "private key",
            Kind::UrlPassword => "password in a connection URL",
            Kind::Jwt => "JSON Web Token",
            Kind::GoogleApiKey => "Google API key",
            Kind::Assigned => "secret value",
        }
    }
}

/// One credential found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub kind: Kind,
    /// Where to point: the value, or a private key's `-----BEGIN` line.
    pub span: Range<usize>,
    /// The bytes no output may show.
    pub hidden: Range<usize>,
    /// What may be shown around the hidden bytes: a prefix naming the kind (`ghp_`,
    /// `postgres://app:`), and what follows (`@db.internal`).
    pub before: String,
    pub after: String,
    /// For an assigned value, the name it is assigned to.
    pub name: Option<String>,
}

impl Secret {
    /// The value as messages may quote it: the kind's prefix, then at most the last
    /// four characters of a long value (`ghp_…3f9a`), never enough to use.
    pub fn masked(&self, text: &str) -> String {
        let value = &text[self.hidden.clone()];
        let tail =
            if value.len() >= 16 && !matches!(self.kind, Kind::PrivateKey | Kind::UrlPassword) {
                &value[value.len() - 4..]
            } else {
                ""
            };
        format!("{}…{tail}{}", self.before, self.after)
    }
}

/// A known credential shape: its kind, its pattern (group 1, when present, is the value
/// and the text before it in the match is its kind-identifying prefix).
struct Shape {
    kind: Kind,
    regex: Regex,
    /// Whether every match holds a [`NAME_WORD`], so only lines with one are searched.
    named: bool,
    /// How much of the value names the kind and may be shown (`ghp_`).
    prefix: fn(&str) -> usize,
}

fn no_prefix(_: &str) -> usize {
    0
}

fn up_to_separator(v: &str) -> usize {
    v.find(['_', '-']).map_or(0, |i| i + 1)
}

fn four(_: &str) -> usize {
    4
}

fn three(_: &str) -> usize {
    3
}

static SHAPES: LazyLock<Vec<Shape>> = LazyLock::new(|| {
    let shape = |kind, pattern: &str, prefix| Shape {
        kind,
        regex: Regex::new(pattern).unwrap(),
        named: kind == Kind::AwsSecretKey,
        prefix,
    };
    vec![
        shape(
            Kind::AwsAccessKeyId,
            r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}",
            four,
        ),
        shape(
            Kind::AwsSecretKey,
            r#"(?i:aws)?[_.-]?(?i:secret)[_.-]?(?i:access)?[_.-]?(?i:key)["']?[ \t]*(?:=>|:=|=|:)[ \t]*["']?([A-Za-z0-9/+]{40})"#,
            no_prefix,
        ),
        shape(
            Kind::AwsSecretKey,
            r#"(?:aws|AWS)[A-Za-z_]{0,20}(?:Secret|SECRET|secret)[A-Za-z_]{0,20}["']?[ \t]*(?:=>|:=|=|:)[ \t]*["']?([A-Za-z0-9/+]{40})"#,
            no_prefix,
        ),
        shape(
            Kind::GitHubToken,
            r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,}",
            |v| if v.starts_with("github_pat_") { 11 } else { 4 },
        ),
        shape(
            Kind::GitLabToken,
            r"glpat-[A-Za-z0-9_-]{20,}",
            up_to_separator,
        ),
        shape(
            Kind::SlackToken,
            r"xox[baprs]-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+",
            up_to_separator,
        ),
        shape(
            Kind::SlackWebhook,
            r"hooks\.slack\.com/services/(T[A-Za-z0-9]{6,}/B[A-Za-z0-9]{6,}/[A-Za-z0-9]{16,})",
            no_prefix,
        ),
        shape(
            Kind::Jwt,
            r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}",
            three,
        ),
        shape(Kind::GoogleApiKey, r"AIza[A-Za-z0-9_-]{35}", four),
    ]
});

/// `scheme://user:password@host`: the password may hold anything but what ends it in a
/// URL or in the text around one.
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b([a-zA-Z][a-zA-Z0-9+.-]{1,20}://([^\s:/@<>"'`\[\](){}]*):)([^\s/@<>"'`\[\](){}]+)@([A-Za-z0-9.\[\]:_-]+)"#)
        .unwrap()
});

static PRIVATE_KEY_BEGIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----").unwrap());
static PRIVATE_KEY_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----").unwrap());

/// What the name of a credential holds, in any case: every match of [`ASSIGNED`] and of
/// the AWS secret key shapes has one, and no match of those spans lines.
static NAME_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)token|secret|passw|pwd|key").unwrap());

/// A name that says its value is a credential (`API_TOKEN`, `client_secret`, `apiKey`,
/// `password`), then an assignment; the value is read after the match.
static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[^A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,40}?(?:(?i:token|secret|passw(?:or)?d|pwd|api_?key)|(?i:[_.-]key)|[a-z0-9](?:Key|KEY)))["']?[ \t]*(?:=>|:=|=|:)[ \t]*["'`]?"#)
        .unwrap()
});

/// The name of a token that pages through a listing, lowercased.
static PAGE_TOKEN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:page|next|continuation|pagination|cursor)[_-]?token$").unwrap()
});

/// Every credential in `text`, in order, none overlapping another.
pub fn find(text: &str) -> Vec<Secret> {
    let mut found: Vec<Secret> = Vec::new();
    let add = |s: Secret, found: &mut Vec<Secret>| {
        if !found
            .iter()
            .any(|f| f.hidden.start < s.hidden.end && s.hidden.start < f.hidden.end)
        {
            found.push(s);
        }
    };
    for k in private_keys(text) {
        add(k, &mut found);
    }
    // The patterns read by name are slow to run over a whole text; the lines that hold
    // a name are few.
    let named = named_lines(text);
    let whole_text = 0..text.len();
    for shape in SHAPES.iter() {
        let windows = if shape.named {
            &named[..]
        } else {
            std::slice::from_ref(&whole_text)
        };
        for (window, c) in captures_in(text, windows, &shape.regex) {
            let whole = c.get(0).unwrap();
            let value = c.get(1).unwrap_or(whole);
            let range = window + value.start()..window + value.end();
            if !bounded(text, range.clone()) {
                continue;
            }
            let v = value.as_str();
            let prefix = (shape.prefix)(v);
            if !plausible(shape.kind, v, &v[prefix..]) {
                continue;
            }
            let before = match shape.kind {
                Kind::SlackWebhook => "hooks.slack.com/services/".to_string(),
                _ => v[..prefix].to_string(),
            };
            add(
                Secret {
                    kind: shape.kind,
                    span: range.clone(),
                    hidden: range.start + prefix..range.end,
                    before,
                    after: String::new(),
                    name: None,
                },
                &mut found,
            );
        }
    }
    for c in URL_PASSWORD.captures_iter(text) {
        let (lead, user, password, host) = (
            c.get(1).unwrap(),
            c.get(2).unwrap(),
            c.get(3).unwrap(),
            c.get(4).unwrap(),
        );
        if !real_url_password(user.as_str(), password.as_str(), host.as_str()) {
            continue;
        }
        add(
            Secret {
                kind: Kind::UrlPassword,
                span: password.range(),
                hidden: password.range(),
                before: lead.as_str().to_string(),
                after: format!("@{}", host.as_str()),
                name: None,
            },
            &mut found,
        );
    }
    for (window, c) in captures_in(text, &named, &ASSIGNED) {
        let name = c.get(1).unwrap();
        let start = window + c.get(0).unwrap().end();
        let rest = &text[start..];
        let len = rest
            .find(|ch: char| ch.is_whitespace() || "\"'`,;&<>()[]{}|\\".contains(ch))
            .unwrap_or(rest.len());
        // A call or an index (`BIP32Key.fromEntropy(seed)`, `contracts[role]`) is code
        // computing the value.
        if rest[len..].starts_with(['(', '[']) {
            continue;
        }
        // A sentence's full stop is no part of the value; an ellipsis is, and says the
        // value was cut short on purpose (`aGZfSFJO...`).
        let value = rest[..len].trim_end_matches(':');
        let value = match value.strip_suffix('.') {
            Some(stopped) if !stopped.ends_with('.') => stopped,
            _ => value,
        };
        // `*lpszPassword*`: Markdown emphasis around a name, read without it.
        let value = emphasized(value).unwrap_or(value);
        let name_lower = name.as_str().to_ascii_lowercase();
        // A public key and its token are published on purpose; a page token
        // (`nextPageToken`, `NextToken`, `ContinuationToken`) marks a place in a listing.
        if name_lower.contains("public")
            || name_lower.contains("publishable")
            || PAGE_TOKEN_NAME.is_match(&name_lower)
        {
            continue;
        }
        let password = is_password_name(&name_lower);
        if !plausible_assigned(value, password) {
            continue;
        }
        add(
            Secret {
                kind: Kind::Assigned,
                span: start..start + value.len(),
                hidden: start..start + value.len(),
                before: String::new(),
                after: String::new(),
                name: Some(name.as_str().to_string()),
            },
            &mut found,
        );
    }
    found.sort_by_key(|s| s.span.start);
    found
}

/// The lines of `text` that hold a [`NAME_WORD`], each with the line break before it:
/// [`ASSIGNED`] reads the character before a name, and a window that starts at the
/// text's start only where the text does keeps its `^` true only there.
fn named_lines(text: &str) -> Vec<Range<usize>> {
    let mut lines: Vec<Range<usize>> = Vec::new();
    for word in NAME_WORD.find_iter(text) {
        if lines.last().is_some_and(|l| word.start() < l.end) {
            continue;
        }
        let start = text[..word.start()].rfind('\n').unwrap_or(0);
        let end = text[word.end()..]
            .find('\n')
            .map_or(text.len(), |i| word.end() + i);
        lines.push(start..end);
    }
    lines
}

/// The matches of `regex` in each window of `text`, in order, with the window's start.
/// For a pattern whose matches stay inside one window, these are its matches in the
/// whole text.
fn captures_in<'t>(
    text: &'t str,
    windows: &'t [Range<usize>],
    regex: &'t Regex,
) -> impl Iterator<Item = (usize, regex::Captures<'t>)> + 't {
    windows.iter().flat_map(move |w| {
        regex
            .captures_iter(&text[w.clone()])
            .map(move |c| (w.start, c))
    })
}

/// `text` with every credential's hidden bytes replaced by `*`, byte for byte, so the
/// spans of any finding still point where they did.
pub fn mask(text: &str) -> Cow<'_, str> {
    let found = find(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &found {
        out.push_str(&text[at..s.hidden.start]);
        for ch in text[s.hidden.clone()].chars() {
            if ch.is_whitespace() || (s.kind == Kind::PrivateKey && !is_base64(ch)) {
                out.push(ch);
            } else {
                out.extend(std::iter::repeat_n('*', ch.len_utf8()));
            }
        }
        at = s.hidden.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// `message` with every credential it quotes (`values`, their hidden bytes) replaced by
/// `…`.
pub fn mask_quoted(message: &str, values: &[String]) -> String {
    let mut out = message.to_string();
    for value in values {
        if value.len() >= 4 && out.contains(value.as_str()) {
            out = out.replace(value.as_str(), "…");
        }
    }
    out
}

fn is_base64(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || "+/=".contains(ch)
}

/// The text inside `*...*`, `**...**` or `_..._`.
fn emphasized(value: &str) -> Option<&str> {
    ["**", "*", "_"].iter().find_map(|m| {
        value
            .strip_prefix(m)?
            .strip_suffix(m)
            .filter(|inner| !inner.is_empty())
    })
}

/// Private key blocks whose body holds key material, not `...` or a description.
fn private_keys(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    for begin in PRIVATE_KEY_BEGIN.find_iter(text) {
        let rest = &text[begin.end()..];
        // A pasted key ends with its END line; one cut short runs to a blank line.
        let body_len = match PRIVATE_KEY_END.find(rest) {
            Some(end) if !rest[..end.start()].contains("-----BEGIN") => end.start(),
            _ => rest.find("\n\n").unwrap_or(rest.len()),
        };
        let body = &rest[..body_len];
        // Key material is lines of base64 alone (a key in a JSON string has its line
        // breaks written `\n`); a line of prose after a BEGIN line named in a
        // sentence is none, and neither is a header such as `Proc-Type: 4,ENCRYPTED`.
        let material: String = body
            .lines()
            .flat_map(|line| line.split("\\n"))
            .map(|line| line.trim_matches(|c: char| c.is_whitespace() || "\"'>".contains(c)))
            .filter(|line| line.chars().all(is_base64))
            .collect();
        if material.len() < 64
            || body.contains("...")
            || body.contains('…')
            || low_entropy(&material, 4.0)
        {
            continue;
        }
        out.push(Secret {
            kind: Kind::PrivateKey,
            span: begin.range(),
            hidden: begin.end()..begin.end() + body_len,
            before: String::new(),
            after: String::new(),
            name: None,
        });
    }
    out
}

/// Whether the value is not glued to more letters or digits (`XAKIA…` is no key ID).
fn bounded(text: &str, r: Range<usize>) -> bool {
    let before = text[..r.start].chars().next_back();
    let after = text[r.end..].chars().next();
    !before.is_some_and(|c| c.is_ascii_alphanumeric())
        && !after.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    let mut n = 0usize;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

fn low_entropy(s: &str, bits: f64) -> bool {
    entropy(s) < bits
}

/// Whether a value is one a writer puts in place of a credential: a slot to fill
/// (`<token>`, `YOUR_KEY`, `$TOKEN`, `${{ secrets.X }}`), a documented example
/// (`...EXAMPLE`), a mask (`xxxx`, `****`, `...`), or a run of one character.
pub fn is_stand_in(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "example",
        "sample",
        "dummy",
        "fake",
        "placeholder",
        "changeme",
        "change_me",
        "redacted",
        "your",
        "xxxx",
        "***",
        "...",
        "…",
        "<",
        ">",
        "${",
        "{{",
        "%s",
        "%(",
        "secret_here",
        "token_here",
        "key_here",
    ];
    // `$VAR`, and `@Microsoft.KeyVault(...)`-style references to a secret kept elsewhere.
    if WORDS.iter().any(|w| lower.contains(w)) || value.starts_with(['$', '@']) {
        return true;
    }
    longest_run(value) * 2 >= value.chars().count() || longest_run(value) >= 6 || ascending(value)
}

/// The length of the longest run of one repeated character.
fn longest_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut last = None;
    for c in s.chars() {
        run = if Some(c) == last { run + 1 } else { 1 };
        last = Some(c);
        best = best.max(run);
    }
    best
}

/// Whether `s` counts up through six characters or more (`123456`, `abcdef`): typed
/// by a person making up a value, rare in a random one.
fn ascending(s: &str) -> bool {
    let b = s.as_bytes();
    let mut run = 1;
    for w in b.windows(2) {
        run = if w[1] == w[0].wrapping_add(1) {
            run + 1
        } else {
            1
        };
        if run >= 6 {
            return true;
        }
    }
    false
}

fn char_classes(s: &str) -> usize {
    [
        s.bytes().any(|b| b.is_ascii_lowercase()),
        s.bytes().any(|b| b.is_ascii_uppercase()),
        s.bytes().any(|b| b.is_ascii_digit()),
        s.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&x| x)
    .count()
}

/// Whether a value of a known shape looks drawn at random, not typed as an example.
/// `body` is the value after its kind's prefix.
fn plausible(kind: Kind, value: &str, body: &str) -> bool {
    if is_stand_in(value) {
        return false;
    }
    match kind {
        Kind::SlackToken => {
            body.len() >= 20 && body.bytes().filter(u8::is_ascii_digit).count() >= 8
        }
        Kind::SlackWebhook => {
            value.split('/').all(|part| !is_stand_in(&part[1..])) && !low_entropy(value, 3.5)
        }
        Kind::Jwt => jwt_header(value),
        Kind::AwsSecretKey => !low_entropy(body, 4.0) && char_classes(body) >= 3,
        // Sixteen characters say less than the `AKIA` before them.
        Kind::AwsAccessKeyId => !low_entropy(body, 2.5),
        _ => !low_entropy(body, 3.0),
    }
}

/// Whether the first part of a JWT decodes to a JSON header naming an algorithm.
fn jwt_header(value: &str) -> bool {
    let header = value.split('.').next().unwrap_or_default();
    decode_base64url(header).is_some_and(|h| h.starts_with('{') && h.contains("\"alg\""))
}

fn decode_base64url(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Hosts that name no real machine: loopback and the names reserved for documentation.
pub(crate) fn is_documentation_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let name = host.split(':').next().unwrap_or_default();
    name == "localhost"
        || name.starts_with("127.")
        || name == "0.0.0.0"
        || name == "host"
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| name == *d || name.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid", ".localhost", ".local"]
            .iter()
            .any(|t| name.ends_with(t))
}

/// Words that stand for a password in a URL written to show its form.
fn is_password_word(password: &str) -> bool {
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "pwd",
        "pw",
        "secret",
        "token",
        "apikey",
        "api_key",
        "key",
        "user",
        "username",
        "usr",
        "login",
        "admin",
        "root",
        "guest",
        "test",
        "demo",
        "foo",
        "bar",
        "baz",
        "mypassword",
        "yourpassword",
        "userpassword",
        "changeit",
        "welcome",
        "letmein",
        "qwerty",
        "hunter",
    ];
    // Read as letters (`P@ssw0rd1!` is `password`, then a few more signs).
    let letters: String = unleet(password)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    WORDS.iter().any(|w| {
        letters == *w || (w.len() >= 4 && letters.starts_with(w) && letters.len() <= w.len() + 4)
    })
}

fn real_url_password(user: &str, password: &str, host: &str) -> bool {
    !(is_stand_in(password)
        || is_password_word(password)
        || password == user
        || password.len() < 6
        || is_documentation_host(host)
        || password.contains('%') && password.len() < 8)
}

fn is_password_name(lower: &str) -> bool {
    ["passw", "pwd"].iter().any(|w| lower.contains(w))
}

/// Whether an assigned value is a credential: long enough, random enough and no
/// reference to one kept elsewhere (`process.env.TOKEN`, `secrets.X`, a file path).
fn plausible_assigned(value: &str, password: bool) -> bool {
    // Kubernetes `Secret` data and the like are base64: judge what they encode.
    if let Some(decoded) = decoded_text(value) {
        return plausible_assigned(decoded.trim(), password);
    }
    let chars = value.chars().count();
    if is_stand_in(value)
        || value.contains("://")
        || value.starts_with(['/', '.', '~', '-', '&'])
        || value.starts_with("0x")
        || (!password && readable(value))
        || !value.bytes().any(|b| b.is_ascii_alphabetic())
        || is_password_word(value)
        || is_reference(value)
        || is_uuid_or_hash(value)
    {
        return false;
    }
    let digits = value.bytes().any(|b| b.is_ascii_digit());
    if password {
        // A short random password cannot reach a long one's entropy: ask for 80% of
        // the most its length allows.
        chars >= 8 && !low_entropy(value, 0.8 * (chars as f64).log2()) && char_classes(value) >= 3
    } else if digits {
        chars >= 16 && !low_entropy(value, 3.5) && char_classes(value) >= 2
    } else {
        // Without digits, only a long mix of cases that is no run of words.
        chars >= 20
            && !low_entropy(value, 4.0)
            && char_classes(value) >= 2
            && !words_cover_half(value)
    }
}

/// `value` with the digits and signs people write for letters read back as letters
/// (`P@ssw0rd` is `password`).
fn unleet(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A dotted or namespaced name (`process.env.API_TOKEN`, `os.environ.get`), a call, or
/// an identifier in words (`my_api_token_value`): code that fetches a secret.
fn is_reference(value: &str) -> bool {
    // TypeScript's non-null assertion on a member (`process.env.API_KEY!`).
    let value = value
        .strip_suffix('!')
        .filter(|member| member.contains('.'))
        .unwrap_or(value);
    let words = value
        .split(['.', '_', '-', ':'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>();
    words.len() >= 2
        && words
            .iter()
            .all(|w| w.len() >= 2 && (w.chars().all(|c| c.is_ascii_alphabetic()) || w.len() <= 3))
}

/// Whether a value is words joined by separators (`my-service-v2.0-canary`,
/// `prometheus-k8s-dockercfg-6wl6b`): a name a person gave. Words (four letters or
/// more, lowercase after an optional capital) cover half of it; in a random string
/// they seldom cover a third.
fn readable(value: &str) -> bool {
    value.contains(['-', '.', '_', '/']) && words_cover_half(value)
}

fn words_cover_half(value: &str) -> bool {
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Z]?[a-z]{3,}").unwrap());
    let words: usize = WORD
        .find_iter(value)
        .map(|m| m.len())
        .filter(|&n| n >= 4)
        .sum();
    words * 2 >= value.len()
}

/// The text a base64 value encodes, when it is printable text: `c2VjcmV0Cg==`.
fn decoded_text(value: &str) -> Option<String> {
    let body = value.trim_end_matches('=');
    if !value.len().is_multiple_of(4) || value.len() < 8 || value.len() - body.len() > 2 {
        return None;
    }
    let text = decode_base64url(body)?;
    (!text.trim().is_empty()
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || (' '..='~').contains(&c)))
    .then_some(text)
}

/// UUIDs and hex digests identify things; a credential of that shape is told by its
/// name, and a `key` holding a GUID is a registry key or a class ID far more often.
fn is_uuid_or_hash(value: &str) -> bool {
    static UUID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\{?[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}?$").unwrap()
    });
    UUID.is_match(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        find(text).into_iter().map(|s| s.kind).collect()
    }

    #[test]
    fn masking_keeps_every_byte_offset() {
        let text = "token ghp_Q3v8NcT1kR7zLm2XwP9aBf4YhJ6sD0eGu5Vi é and more";
        let masked = mask(text);
        assert_eq!(masked.len(), text.len());
        assert!(masked.contains("ghp_****"));
        assert!(masked.ends_with("é and more"));
    }

    #[test]
    fn messages_show_a_prefix_and_four_characters_at_most() {
        let text = "ghp_Q3v8NcT1kR7zLm2XwP9aBf4YhJ6sD0eGu5Vi";
        let s = &find(text)[0];
        assert_eq!(s.masked(text), "ghp_…u5Vi");
    }

    #[test]
    fn a_private_key_is_found_where_its_lines_are_base64_alone() {
        let lines = [
            "C3s/LjEb770Vrk17p6ErFvcchlkjhgCfdOk719Kjp4A+GLzAb4aYOW2jweGja1gX",
            "TnkJp+PNvGRNU8UITx+THncv6hpsOiiRvZ+C6RT6geYB9pYZ2zpwai9+FwY6UTNI",
        ];
        let (begin, end) = ("-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----");
        let json = format!(
            r#""private_key": "{begin}\n{}\n{end}\n""#,
            lines.join("\\n")
        );
        let quoted = format!("> {begin}\n> {}\n> {}\n> {end}\n", lines[0], lines[1]);
        for text in [json, quoted] {
            assert_eq!(kinds(&text), [Kind::PrivateKey], "{text}");
        }
        // A BEGIN line named in a sentence is followed by prose, not by a key.
        let prose = format!(
            "- the key (the block started with `{begin}`),\n- the certificate's block, and the \
             `cookie_secret` value all go into the configuration files described below\n"
        );
        assert_eq!(kinds(&prose), []);
    }

    #[test]
    fn stand_ins_are_no_secrets() {
        for text in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_000000000000000000000000000000000000",
            "postgres://user:password@localhost/db",
            "API_TOKEN=${{ secrets.API_TOKEN }}",
            "API_TOKEN=$API_TOKEN",
            "password: changeme",
            "API_KEY=YOUR_API_KEY_GOES_HERE_12345",
            "  hf-token: aGZfSFJOd2lHV2huVk9XbHFRVE...",
            "  apiKey: process.env.CURSOR_API_KEY!,",
            r#"  "nextPageToken": "eyJjcmVhdGVkQXRNcyI6MTczNzMwNjg4MDAwMH0=""#,
            "NextToken: AAMA-EFRSURBSGg2RmZ3ZWJhSHVPbGx0cGk0QUFBQUJRQUFBQUJ0QUFBQUFBQUFB",
            "API_TOKEN=Q3v8NcT1kR7zLm2XwP9aBf4...: the rest is in the vault",
        ] {
            assert_eq!(kinds(text), vec![], "{text}");
        }
    }
}
