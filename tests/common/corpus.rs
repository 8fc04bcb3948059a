//! A generated workspace of Source-of-Truth documents with defects planted in it, and
//! the exact findings (file, line, rule) those defects must give: registries of entries
//! for the seed prefixes (DEP, RUN, MON, GTM) and invented ones, with fresh index
//! blocks; deployment runbooks and service guides (made from a template) that link to
//! entries, to each other and to plain policy documents; and the constructs that must
//! stay quiet (links in code, reference links, footnotes, numbered twin headings, HTML
//! anchors, percent-encoded paths, used suppressions, ignored folders).
//!
//! The same seed gives the same workspace. It is a test helper, not a tool of its own,
//! because only the tests use it and they need the expected findings beside the files;
//! `scripts/bench.sh` times `sot` on a workspace from the outside generator instead.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use fastrand::Rng;

/// A finding a planted defect must give.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub file: String,
    pub line: usize,
    pub rule: &'static str,
}

pub struct Corpus {
    /// Every file, by root-relative path.
    pub files: Vec<(String, Vec<u8>)>,
    /// The findings of the planted defects, sorted.
    pub expected: Vec<Expected>,
    /// How many references (links whose text is the ID, and bare mentions) each ID has
    /// in the documents; links in index blocks are a catalog, not references.
    pub references: BTreeMap<String, usize>,
}

impl Corpus {
    pub fn write(&self, root: &Path) {
        for (path, bytes) in &self.files {
            super::write(root, path, bytes);
        }
    }

    /// How many Markdown documents `sot` lints here (the ignored folder left out).
    pub fn documents(&self) -> usize {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".md") && !p.starts_with("node_modules/"))
            .count()
    }
}

/// A workspace of about `docs` documents with `defects` planted defects of every rule.
pub fn generate(docs: usize, defects: usize, seed: u64) -> Corpus {
    let mut g = Generator::new(docs, defects, seed);
    g.plan();
    g.plant();
    g.render()
}

/// What the default schema asks of a prefix's entries: its Category and Status enums,
/// and the date field it needs beside `Created`.
struct Kind {
    categories: &'static [&'static str],
    statuses: &'static [&'static str],
    date: Option<&'static str>,
}

static SEED_KINDS: [(&str, Kind); 4] = [
    (
        "DEP",
        Kind {
            categories: &["Infrastructure", "Application", "Database", "Configuration"],
            statuses: &["Active", "Deprecated", "Planned"],
            date: Some("Last Updated"),
        },
    ),
    (
        "RUN",
        Kind {
            categories: &["Incident Response", "Maintenance", "Recovery"],
            statuses: &["Active", "Deprecated"],
            date: Some("Last Tested"),
        },
    ),
    (
        "MON",
        Kind {
            categories: &["Performance", "Availability", "Business", "Security"],
            statuses: &["Active", "Planned"],
            date: None,
        },
    ),
    (
        "GTM",
        Kind {
            categories: &["Launch", "Messaging", "Channel", "Analytics"],
            statuses: &["Planned", "Active", "Complete"],
            date: Some("Target Date"),
        },
    ),
];

/// Any other prefix: no Category, the schema's general Status enum.
static OTHER_KIND: Kind = Kind {
    categories: &[],
    statuses: &["Draft", "Planned", "Active", "Complete", "Deprecated"],
    date: None,
};

const OTHER_PREFIXES: [&str; 12] = [
    "INC", "CHG", "CAP", "SLO", "NET", "SEC", "OBS", "REL", "AUD", "BKP", "CFG", "DRL",
];

fn kind(prefix: &str) -> &'static Kind {
    SEED_KINDS
        .iter()
        .find(|(p, _)| *p == prefix)
        .map_or(&OTHER_KIND, |(_, k)| k)
}

const AREAS: [&str; 8] = [
    "deploy",
    "release",
    "ops",
    "monitoring",
    "data",
    "network",
    "launch",
    "security",
];
const SERVICES: [&str; 16] = [
    "gateway",
    "ledger",
    "checkout",
    "search",
    "billing",
    "inventory",
    "catalog",
    "session",
    "payments",
    "notifications",
    "reporting",
    "identity",
    "pricing",
    "shipping",
    "orders",
    "media",
];
const RUNBOOK_KINDS: [&str; 4] = ["deploy", "rollback", "failover", "release"];
const TEAMS: [&str; 6] = [
    "Platform Team",
    "SRE",
    "Payments Team",
    "Data Team",
    "Network Team",
    "Security Team",
];
const TOPICS: [&str; 24] = [
    "rollout",
    "failover",
    "cache",
    "queue",
    "replica",
    "schema",
    "certificate",
    "backup",
    "restore",
    "canary",
    "traffic",
    "latency",
    "capacity",
    "index",
    "snapshot",
    "migration",
    "quota",
    "alert",
    "dashboard",
    "pipeline",
    "DNS",
    "TLS",
    "connection pool",
    "feature flag",
];
const ENDINGS: [&str; 8] = [
    "drill", "check", "cutover", "review", "rotation", "plan", "warmup", "cleanup",
];
const VERBS: [&str; 12] = [
    "Verify", "Confirm", "Check", "Record", "Notify", "Restore", "Scale", "Drain", "Promote",
    "Pause", "Resume", "Compare",
];
const POLICIES: [(&str, &str); 4] = [
    (
        "policies/change-management-policy.md",
        "Change-Management Policy",
    ),
    ("policies/testing-workflow.md", "Testing Workflow"),
    (
        "standards/performance-and-scalability-standard.md",
        "Performance and Scalability Standard",
    ),
    (
        "guidelines/documentation-hygiene.md",
        "Documentation Hygiene Guideline",
    ),
];
/// The sections of a service guide, as the template lists them.
const GUIDE_SECTIONS: [&str; 4] = ["Overview", "Dependencies", "Rollback", "Contacts"];
const TEMPLATE: &str = "templates/service-guide.md";
const NAVIGATION: &str = "docs/navigation.md";

/// Defects planted in a registry entry.
#[derive(Clone, Copy, PartialEq)]
enum EntryDefect {
    NoOwner,
    EmptyOwner,
    UnknownStatus,
    BadDate,
    IdFieldMismatch,
    DatePlaceholder,
}

/// Defects planted in a runbook's or guide's frontmatter, at most one per document.
#[derive(Clone, Copy, PartialEq)]
enum FrontmatterDefect {
    MissingKey,
    EmptyKey,
    NotInEnum,
    BadVersion,
    BadDate,
    DuplicateKey,
    NotYaml,
}

impl FrontmatterDefect {
    fn rule(self) -> &'static str {
        match self {
            Self::MissingKey | Self::EmptyKey => "missing-field",
            Self::NotInEnum | Self::BadVersion | Self::BadDate => "invalid-field",
            Self::DuplicateKey | Self::NotYaml => "invalid-frontmatter",
        }
    }
}

/// Defects planted in a document's text, each on lines of its own.
#[derive(Clone, Copy, PartialEq)]
enum BodyDefect {
    BrokenLink,
    BrokenAnchor,
    UndefinedId,
    IdLinkMismatch,
    Placeholder,
    DeprecatedRef,
    Secret,
    InvalidSuppression,
    UnusedSuppression,
}

impl BodyDefect {
    fn rule(self) -> &'static str {
        match self {
            Self::BrokenLink => "broken-link",
            Self::BrokenAnchor => "broken-anchor",
            Self::UndefinedId => "undefined-id",
            Self::IdLinkMismatch => "id-link-mismatch",
            Self::Placeholder => "placeholder",
            Self::DeprecatedRef => "deprecated-ref",
            Self::Secret => "hardcoded-secret",
            Self::InvalidSuppression => "invalid-suppression",
            Self::UnusedSuppression => "unused-suppression",
        }
    }
}

/// How a planted stale index block differs from what `sot index` would write.
#[derive(Clone, Copy)]
enum Stale {
    /// Written before the last entry it lists existed: its checksum matches its text.
    OutOfDate,
    /// A title changed by hand after it was written: its checksum no longer matches.
    EditedByHand,
}

struct Entry {
    id: String,
    prefix: &'static str,
    title: String,
    registry: usize,
    status: &'static str,
    owner: &'static str,
    category: Option<&'static str>,
    created: String,
    date: Option<String>,
    defect: Option<EntryDefect>,
    /// The entry whose ID this one defines again, later (a planted `duplicate-id`).
    copy_of: Option<usize>,
}

impl Entry {
    fn heading(&self) -> String {
        format!("{}: {}", self.id, self.title)
    }

    fn slug(&self) -> String {
        slug(&self.heading())
    }

    /// A link or mention may point here without a finding.
    fn live(&self) -> bool {
        self.status != "Deprecated" && self.copy_of.is_none()
    }
}

struct Registry {
    path: String,
    area: &'static str,
    prefixes: Vec<&'static str>,
    stale: Option<Stale>,
}

/// An index block: the prefixes it lists, its options as written in its start marker,
/// and whether it is a table or lists only active entries.
struct Block {
    prefixes: Vec<&'static str>,
    options: &'static str,
    table: bool,
    active_only: bool,
    stale: Option<Stale>,
}

#[derive(PartialEq)]
enum PageKind {
    Runbook,
    Guide,
    Policy,
}

struct Page {
    path: String,
    kind: PageKind,
    title: String,
    service: &'static str,
    frontmatter: Option<FrontmatterDefect>,
    /// The guide section left out (a planted `missing-section`).
    missing_section: Option<&'static str>,
    body: Vec<BodyDefect>,
}

/// A document being written, line by line, with the slugs of its headings.
struct Doc {
    path: String,
    lines: Vec<String>,
    slugs: HashMap<String, usize>,
}

impl Doc {
    fn new(path: &str) -> Self {
        Doc {
            path: path.to_string(),
            lines: Vec::new(),
            slugs: HashMap::new(),
        }
    }

    /// Adds a line; its 1-based number.
    fn line(&mut self, text: impl Into<String>) -> usize {
        self.lines.push(text.into());
        self.lines.len()
    }

    fn lines<S: AsRef<str>>(&mut self, lines: &[S]) {
        for l in lines {
            self.line(l.as_ref());
        }
    }

    /// Adds an ATX heading and a blank line; its slug, numbered as GitHub numbers repeats.
    fn heading(&mut self, level: usize, text: &str) -> String {
        self.line(format!("{} {text}", "#".repeat(level)));
        self.line("");
        self.take_slug(&slug(text))
    }

    fn take_slug(&mut self, base: &str) -> String {
        let mut result = base.to_string();
        while self.slugs.contains_key(&result) {
            let n = self.slugs.entry(base.to_string()).or_insert(0);
            *n += 1;
            result = format!("{base}-{n}");
        }
        self.slugs.insert(result.clone(), 0);
        result
    }

    fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// GitHub's slug of ASCII heading text: lowercase, letters, digits, `-` and `_` kept,
/// spaces turned into hyphens, everything else dropped.
fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The path of `to` relative to the folder of `from`; both root-relative.
fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// The range of numbers a registry reserves for `prefix`, as it writes it; index blocks
/// label their lists with it.
fn range(prefix: &str) -> String {
    format!("{prefix}-001 to {prefix}-199")
}

/// A random item of `0..len` for which `ok` holds.
fn any(rng: &mut Rng, len: usize, ok: impl Fn(usize) -> bool) -> usize {
    let candidates: Vec<usize> = (0..len).filter(|&i| ok(i)).collect();
    assert!(!candidates.is_empty(), "too few documents for the defects");
    candidates[rng.usize(..candidates.len())]
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

struct Generator {
    rng: Rng,
    docs: usize,
    defects: usize,
    registries: Vec<Registry>,
    entries: Vec<Entry>,
    nav: Vec<Block>,
    pages: Vec<Page>,
    unreadable: usize,
    variants: HashMap<&'static str, usize>,
    expected: Vec<Expected>,
    references: BTreeMap<String, usize>,
}

impl Generator {
    fn new(docs: usize, defects: usize, seed: u64) -> Self {
        Generator {
            rng: Rng::with_seed(seed),
            docs,
            defects,
            registries: Vec::new(),
            entries: Vec::new(),
            nav: Vec::new(),
            pages: Vec::new(),
            unreadable: 0,
            variants: HashMap::new(),
            expected: Vec::new(),
            references: BTreeMap::new(),
        }
    }

    /// Which of `count` ways to plant a defect of `kind` comes next: they take turns, so
    /// every way is planted once there are enough defects.
    fn variant(&mut self, kind: &'static str, count: usize) -> usize {
        let n = self.variants.entry(kind).or_default();
        *n += 1;
        (*n - 1) % count
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    fn date(&mut self) -> String {
        format!(
            "20{}-{:02}-{:02}",
            self.rng.u8(22..=25),
            self.rng.u8(1..=12),
            self.rng.u8(1..=28)
        )
    }

    fn title(&mut self) -> String {
        let first = self.pick(&TOPICS);
        let title = match self.rng.u8(..10) {
            0 => format!("{first}/{} {}", self.pick(&TOPICS), self.pick(&ENDINGS)),
            1 => format!("{first} & {} {}", self.pick(&TOPICS), self.pick(&ENDINGS)),
            2 => format!("{first} {} (v{})", self.pick(&ENDINGS), self.rng.u8(2..=4)),
            _ => format!("{first} {}", self.pick(&ENDINGS)),
        };
        capitalized(&title)
    }

    fn sentence(&mut self) -> String {
        let verb = self.pick(&VERBS);
        let service = self.pick(&SERVICES);
        let topic = self.pick(&TOPICS);
        let ending = match self.rng.u8(..4) {
            0 => format!("before the {} window opens", self.pick(&ENDINGS)),
            1 => "and write the result in the change ticket".to_string(),
            2 => format!("on every {} node", self.pick(&["canary", "green", "blue"])),
            _ => format!("within {} minutes", self.rng.u8(2..=30)),
        };
        format!("{verb} the {service} {topic} {ending}.")
    }

    fn mention(&mut self, id: &str) {
        *self.references.entry(id.to_string()).or_default() += 1;
    }

    fn expect(&mut self, file: &str, line: usize, rule: &'static str) {
        self.expected.push(Expected {
            file: file.to_string(),
            line,
            rule,
        });
    }

    /// Registries and their entries, the navigation blocks, services with their guide
    /// and runbooks, and the policies: the clean workspace.
    fn plan(&mut self) {
        // One registry per 25 documents, each declaring two prefixes of its own.
        let mut prefixes: Vec<&'static str> = SEED_KINDS.iter().map(|(p, _)| *p).collect();
        prefixes.extend(OTHER_PREFIXES);
        let registries = (self.docs / 25).clamp(2, prefixes.len() / 2);
        for r in 0..registries {
            let area = AREAS[r % AREAS.len()];
            let declared = prefixes[2 * r..2 * r + 2].to_vec();
            for &prefix in &declared {
                for n in 1..=self.rng.usize(4..=10) {
                    let kind = kind(prefix);
                    let live: Vec<&'static str> = kind
                        .statuses
                        .iter()
                        .copied()
                        .filter(|s| *s != "Deprecated")
                        .collect();
                    // The first entry of each prefix is live, so every status filter
                    // and every reference finds one.
                    let status = if n > 1
                        && kind.statuses.contains(&"Deprecated")
                        && self.rng.u8(..8) == 0
                    {
                        "Deprecated"
                    } else {
                        self.pick(&live)
                    };
                    let entry = Entry {
                        id: format!("{prefix}-{n:03}"),
                        prefix,
                        title: self.title(),
                        registry: r,
                        status,
                        owner: self.pick(&TEAMS),
                        category: (!kind.categories.is_empty()).then(|| self.pick(kind.categories)),
                        created: self.date(),
                        date: kind.date.map(|_| self.date()),
                        defect: None,
                        copy_of: None,
                    };
                    self.entries.push(entry);
                }
            }
            self.registries.push(Registry {
                path: format!("sot/{area}-{r:03}/SoT.{}_PLAYBOOK.md", area.to_uppercase()),
                area,
                prefixes: declared,
                stale: None,
            });
        }
        // At least one deprecated entry, for `deprecated-ref` to find.
        if !self.entries.iter().any(|e| e.status == "Deprecated") {
            let last_run = self
                .entries
                .iter()
                .rposition(|e| e.prefix == "RUN")
                .unwrap();
            self.entries[last_run].status = "Deprecated";
        }
        self.nav = vec![
            Block {
                prefixes: vec!["RUN"],
                options: " prefix=RUN status=Active",
                table: false,
                active_only: true,
                stale: None,
            },
            Block {
                prefixes: vec!["MON"],
                options: " prefix=MON style=table",
                table: true,
                active_only: false,
                stale: None,
            },
        ];
        for (path, title) in POLICIES {
            self.pages.push(Page {
                path: path.to_string(),
                kind: PageKind::Policy,
                title: title.to_string(),
                service: "",
                frontmatter: None,
                missing_section: None,
                body: Vec::new(),
            });
        }
        // README, navigation, release notes, template, policies and registries.
        let mut count = 4 + POLICIES.len() + registries;
        let mut s = 0;
        while count < self.docs {
            let service = SERVICES[s % SERVICES.len()];
            let folder = format!("services/{service}-{s:03}");
            self.pages.push(Page {
                path: format!("{folder}/guide.md"),
                kind: PageKind::Guide,
                title: format!("{} guide", capitalized(service)),
                service,
                frontmatter: None,
                missing_section: None,
                body: Vec::new(),
            });
            let runbooks = self.rng.usize(2..=RUNBOOK_KINDS.len());
            for kind in &RUNBOOK_KINDS[..runbooks] {
                self.pages.push(Page {
                    path: format!("{folder}/runbooks/{kind}.md"),
                    kind: PageKind::Runbook,
                    title: format!("{} runbook: {}", capitalized(kind), capitalized(service)),
                    service,
                    frontmatter: None,
                    missing_section: None,
                    body: Vec::new(),
                });
            }
            count += 1 + runbooks;
            s += 1;
        }
    }

    /// Plants `defects` defects of every rule in the clean workspace.
    fn plant(&mut self) {
        for _ in 0..self.defects {
            match self.variant("missing-field", 4) {
                0 => self.plant_in_entry(EntryDefect::NoOwner),
                1 => self.plant_in_frontmatter(FrontmatterDefect::MissingKey),
                2 => self.plant_in_entry(EntryDefect::EmptyOwner),
                _ => self.plant_in_frontmatter(FrontmatterDefect::EmptyKey),
            }
            match self.variant("invalid-field", 5) {
                0 => self.plant_in_entry(EntryDefect::UnknownStatus),
                1 => self.plant_in_frontmatter(FrontmatterDefect::NotInEnum),
                2 => self.plant_in_entry(EntryDefect::BadDate),
                3 => self.plant_in_frontmatter(FrontmatterDefect::BadVersion),
                _ => self.plant_in_frontmatter(FrontmatterDefect::BadDate),
            }
            match self.variant("invalid-frontmatter", 2) {
                0 => self.plant_in_frontmatter(FrontmatterDefect::NotYaml),
                _ => self.plant_in_frontmatter(FrontmatterDefect::DuplicateKey),
            }
            self.plant_in_entry(EntryDefect::IdFieldMismatch);
            if self.variant("placeholder", 2) == 0 {
                self.plant_in_entry(EntryDefect::DatePlaceholder);
            } else {
                self.plant_in_body(BodyDefect::Placeholder);
            }
            self.plant_duplicate();
            self.plant_missing_section();
            self.plant_stale_index();
            self.unreadable += 1;
            for defect in [
                BodyDefect::BrokenLink,
                BodyDefect::BrokenAnchor,
                BodyDefect::UndefinedId,
                BodyDefect::IdLinkMismatch,
                BodyDefect::DeprecatedRef,
                BodyDefect::Secret,
                BodyDefect::InvalidSuppression,
                BodyDefect::UnusedSuppression,
            ] {
                self.plant_in_body(defect);
            }
        }
    }

    fn plant_in_entry(&mut self, defect: EntryDefect) {
        let entries = &self.entries;
        let i = any(&mut self.rng, entries.len(), |i| {
            entries[i].defect.is_none() && entries[i].live()
        });
        self.entries[i].defect = Some(defect);
    }

    fn plant_in_frontmatter(&mut self, defect: FrontmatterDefect) {
        let pages = &self.pages;
        // Guides have no version; policies no frontmatter.
        let kinds = if defect == FrontmatterDefect::BadVersion {
            &[PageKind::Runbook][..]
        } else {
            &[PageKind::Runbook, PageKind::Guide][..]
        };
        let i = any(&mut self.rng, pages.len(), |i| {
            kinds.contains(&pages[i].kind) && pages[i].frontmatter.is_none()
        });
        self.pages[i].frontmatter = Some(defect);
    }

    fn plant_in_body(&mut self, defect: BodyDefect) {
        // Policies are plain documents: no IDs of their own to mislink, no suppressions.
        let anywhere = matches!(
            defect,
            BodyDefect::BrokenLink
                | BodyDefect::BrokenAnchor
                | BodyDefect::UndefinedId
                | BodyDefect::Secret
        );
        let pages = &self.pages;
        let i = any(&mut self.rng, pages.len(), |i| {
            anywhere || pages[i].kind != PageKind::Policy
        });
        self.pages[i].body.push(defect);
    }

    /// A second definition of a live entry's ID, later in path order than the first.
    fn plant_duplicate(&mut self) {
        let entries = &self.entries;
        let original = any(&mut self.rng, entries.len(), |i| {
            entries[i].live() && entries[i].defect.is_none()
        });
        let first = &self.registries[self.entries[original].registry].path;
        let registries = &self.registries;
        let registry = any(&mut self.rng, registries.len(), |r| {
            registries[r].path >= *first
        });
        let prefix = self.entries[original].prefix;
        let kind = kind(prefix);
        let copy = Entry {
            id: self.entries[original].id.clone(),
            prefix,
            title: self.title(),
            registry,
            status: self.entries[original].status,
            owner: self.pick(&TEAMS),
            category: (!kind.categories.is_empty()).then(|| self.pick(kind.categories)),
            created: self.date(),
            date: kind.date.map(|_| self.date()),
            defect: None,
            copy_of: Some(original),
        };
        self.entries.push(copy);
    }

    fn plant_missing_section(&mut self) {
        let pages = &self.pages;
        let i = any(&mut self.rng, pages.len(), |i| {
            pages[i].kind == PageKind::Guide && pages[i].missing_section.is_none()
        });
        // The overview stays: links from the runbooks point at it.
        let section = self.pick(&GUIDE_SECTIONS[1..]);
        self.pages[i].missing_section = Some(section);
    }

    fn plant_stale_index(&mut self) {
        let stale = if self.variant("stale-index", 2) == 0 {
            Stale::OutOfDate
        } else {
            Stale::EditedByHand
        };
        let fresh_registries = self.registries.iter().filter(|r| r.stale.is_none()).count();
        let fresh_nav = self.nav.iter().filter(|b| b.stale.is_none()).count();
        assert!(fresh_registries + fresh_nav > 0, "too few index blocks");
        let mut n = self.rng.usize(..fresh_registries + fresh_nav);
        for block in self
            .registries
            .iter_mut()
            .map(|r| &mut r.stale)
            .chain(self.nav.iter_mut().map(|b| &mut b.stale))
        {
            if block.is_none() {
                if n == 0 {
                    *block = Some(stale);
                    return;
                }
                n -= 1;
            }
        }
    }

    fn render(mut self) -> Corpus {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut text = |doc: Doc| files.push((doc.path.clone(), doc.text().into_bytes()));
        for r in 0..self.registries.len() {
            text(self.registry(r));
        }
        text(self.navigation());
        for p in 0..self.pages.len() {
            let doc = match self.pages[p].kind {
                PageKind::Runbook => self.runbook(p),
                PageKind::Guide => self.guide(p),
                PageKind::Policy => self.policy(p),
            };
            text(doc);
        }
        text(self.readme());
        let mut notes = Doc::new("docs/Release Notes.md");
        notes.lines(&["# Release Notes", ""]);
        let s = self.sentence();
        notes.line(s);
        text(notes);
        let mut template = Doc::new(TEMPLATE);
        template.lines(&[
            "---",
            "document_type: \"service-guide\"  # REQUIRED",
            "service: \"{service-name}\"  # REQUIRED",
            "tier: \"gold\"  # REQUIRED: gold | silver | bronze",
            "reviewed: \"YYYY-MM-DD\"  # REQUIRED",
            "---",
            "",
            "# {Service Name} guide",
            "",
        ]);
        for section in GUIDE_SECTIONS {
            template.heading(2, section);
            template.lines(&["{What belongs here, in a few sentences.}", ""]);
        }
        text(template);
        for n in 0..self.unreadable {
            let path = format!("notes/legacy-{n:02}.md");
            // Latin-1, as an old editor saved it: not UTF-8.
            files.push((
                path.clone(),
                b"# Legacy notes\n\nCaf\xe9 au lait.\n".to_vec(),
            ));
            self.expect(&path, 1, "unreadable-file");
        }
        files.push((
            "sot.toml".to_string(),
            format!(
                "# Service guides follow their template; everything else the default schema.\n\
                 [[template]]\npath = \"{TEMPLATE}\"\napplies_to = [\"services/*/guide.md\"]\n"
            )
            .into_bytes(),
        ));
        files.push(("config/app.yaml".to_string(), b"replicas: 3\n".to_vec()));
        // An ignored folder full of what would be findings anywhere else.
        files.push((".gitignore".to_string(), b"node_modules/\n".to_vec()));
        files.push((
            "node_modules/left-pad/README.md".to_string(),
            b"# left-pad\n\n[broken](nowhere.md) {Package Name} DEP-999 YYYY-MM-DD\n".to_vec(),
        ));
        self.expected.sort();
        Corpus {
            files,
            expected: self.expected,
            references: self.references,
        }
    }

    /// The canonical entries of `prefix`, by number.
    fn canonical(&self, prefix: &str) -> Vec<usize> {
        let mut found: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].prefix == prefix && self.entries[i].copy_of.is_none())
            .collect();
        found.sort_by_key(|&i| self.entries[i].id.clone());
        found
    }

    /// The field lines `sot` reads for entry `i` (an **Owner** of `None` is left out).
    fn status_and_owner(&self, i: usize) -> (&'static str, Option<&'static str>) {
        let e = &self.entries[i];
        match e.defect {
            Some(EntryDefect::UnknownStatus) => ("Retired", Some(e.owner)),
            Some(EntryDefect::NoOwner) => (e.status, None),
            Some(EntryDefect::EmptyOwner) => (e.status, Some("")),
            _ => (e.status, Some(e.owner)),
        }
    }

    /// The lines of an index block in the document at `from`, markers included, as
    /// `sot index` writes it; a stale one as it was left.
    fn index_block(&self, from: &str, block: &Block) -> Vec<String> {
        let mut content = String::from("\n");
        for prefix in &block.prefixes {
            content.push_str(&format!("**{prefix}** ({}):\n\n", range(prefix)));
            if block.table {
                content.push_str("| ID | Title | Status | Owner |\n| --- | --- | --- | --- |\n");
            }
            for i in self.canonical(prefix) {
                let e = &self.entries[i];
                let (status, owner) = self.status_and_owner(i);
                if block.active_only && status != "Active" {
                    continue;
                }
                let target = self.target_of(from, i);
                if block.table {
                    let owner = owner.unwrap_or_default();
                    let title = &e.title;
                    content.push_str(&format!(
                        "| [{}]({target}) | {title} | {status} | {owner} |\n",
                        e.id
                    ));
                } else {
                    content.push_str(&format!("- [{}]({target}) - {}\n", e.id, e.title));
                }
            }
            content.push('\n');
        }
        let checksum = |content: &str| format!("{:08x}", crc32fast::hash(content.as_bytes()));
        let (content, checksum) = match block.stale {
            None => {
                let sum = checksum(&content);
                (content, sum)
            }
            Some(Stale::OutOfDate) => {
                let item = content
                    .rfind("\n- [")
                    .or_else(|| content.rfind("\n| ["))
                    .expect("an entry to leave out")
                    + 1;
                let end = item + content[item..].find('\n').unwrap() + 1;
                let older = format!("{}{}", &content[..item], &content[end..]);
                let sum = checksum(&older);
                (older, sum)
            }
            Some(Stale::EditedByHand) => {
                let sum = checksum(&content);
                let item = content
                    .find("\n- [")
                    .or_else(|| content.find("\n| ["))
                    .expect("an entry to edit")
                    + 1;
                let end = item + content[item..].find('\n').unwrap();
                let edited = format!("{} (do this first){}", &content[..end], &content[end..]);
                (edited, sum)
            }
        };
        let mut lines = vec![format!("<!-- sot:index start{} -->", block.options)];
        lines.extend(content.lines().map(str::to_string));
        lines.push(format!("<!-- sot:index end checksum={checksum} -->"));
        lines
    }

    /// Adds an index block to `doc`; a stale one is expected at its start marker.
    fn add_index_block(&mut self, doc: &mut Doc, block: &Block) {
        let lines = self.index_block(&doc.path, block);
        let start = doc.lines.len() + 1;
        doc.lines(&lines);
        if block.stale.is_some() {
            self.expect(&doc.path, start, "stale-index");
        }
    }
}

/// The documents, written.
impl Generator {
    fn registry(&mut self, r: usize) -> Doc {
        let path = self.registries[r].path.clone();
        let area = self.registries[r].area;
        let prefixes = self.registries[r].prefixes.clone();
        let mut doc = Doc::new(&path);
        let declared: Vec<String> = prefixes.iter().map(|p| format!("{p}-XXX")).collect();
        let updated = self.date();
        doc.lines(&[
            "---".to_string(),
            "version: 1.0".to_string(),
            format!(
                "purpose: Source of Truth file for {area} procedures. Each entry has a unique ID."
            ),
            format!("id_prefix: {}", declared.join(", ")),
            format!("last_updated: {updated}"),
            "authority: IDs created here are referenced by runbooks and service guides".to_string(),
            "---".to_string(),
            String::new(),
        ]);
        doc.heading(1, &format!("{} Playbook (SoT File)", capitalized(area)));
        let ranges: Vec<String> = prefixes.iter().map(|p| range(p)).collect();
        doc.lines(&[
            format!("> **ID ranges**: {}", ranges.join(", ")),
            "> **Status**: Active SoT file".to_string(),
            String::new(),
        ]);
        doc.heading(2, "Navigation");
        let block = Block {
            prefixes: prefixes.clone(),
            options: "",
            table: false,
            active_only: false,
            stale: self.registries[r].stale,
        };
        self.add_index_block(&mut doc, &block);
        doc.line("");
        let mine: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].registry == r)
            .collect();
        for i in mine {
            self.entry(&mut doc, i);
        }
        doc
    }

    fn entry(&mut self, doc: &mut Doc, i: usize) {
        doc.lines(&["---", ""]);
        let heading = doc.lines.len() + 1;
        let slug = doc.heading(2, &self.entries[i].heading());
        assert_eq!(slug, self.entries[i].slug());
        let e = &self.entries[i];
        let (status, owner) = self.status_and_owner(i);
        let id_field = match e.defect {
            Some(EntryDefect::IdFieldMismatch) => format!("{}-{}", e.prefix, 500 + i),
            _ => e.id.clone(),
        };
        let created = match e.defect {
            Some(EntryDefect::BadDate) => "2024-13-02".to_string(),
            Some(EntryDefect::DatePlaceholder) => "YYYY-MM-DD".to_string(),
            _ => e.created.clone(),
        };
        let mut fields = vec![("ID", id_field)];
        if let Some(category) = e.category {
            fields.push(("Category", category.to_string()));
        }
        fields.push(("Status", status.to_string()));
        if let Some(owner) = owner {
            fields.push(("Owner", owner.to_string()));
        }
        fields.push(("Created", created));
        if let (Some(name), Some(date)) = (kind(e.prefix).date, &e.date) {
            fields.push((name, date.clone()));
        }
        let (defect, copy_of, id) = (e.defect, e.copy_of, e.id.clone());
        let first_field = doc.lines.len() + 1;
        for (name, value) in &fields {
            doc.line(format!("**{name}**: {value}").trim_end().to_string());
        }
        let field_line =
            |name: &str| first_field + fields.iter().position(|(n, _)| *n == name).unwrap();
        let path = doc.path.clone();
        match defect {
            Some(EntryDefect::NoOwner) => self.expect(&path, heading, "missing-field"),
            Some(EntryDefect::EmptyOwner) => {
                self.expect(&path, field_line("Owner"), "missing-field")
            }
            Some(EntryDefect::UnknownStatus) => {
                self.expect(&path, field_line("Status"), "invalid-field")
            }
            Some(EntryDefect::BadDate) => {
                self.expect(&path, field_line("Created"), "invalid-field")
            }
            Some(EntryDefect::IdFieldMismatch) => {
                self.expect(&path, field_line("ID"), "id-field-mismatch")
            }
            Some(EntryDefect::DatePlaceholder) => {
                self.expect(&path, field_line("Created"), "placeholder")
            }
            None => {}
        }
        if copy_of.is_some() {
            self.expect(&path, heading, "duplicate-id");
        }
        doc.line("");
        doc.heading(3, "Overview");
        let overview = format!("{} {}", self.sentence(), self.sentence());
        doc.lines(&[overview, String::new()]);
        doc.heading(3, "Steps");
        for n in 1..=self.rng.usize(2..=4) {
            let verb = self.pick(&VERBS);
            let step = format!("{n}. **{verb}**: {}", self.sentence());
            doc.line(step);
        }
        doc.line("");
        // Some entries link to a related one.
        if self.rng.u8(..3) == 0 {
            let related = self.live_entry(|e| e.id != id);
            doc.heading(3, "Related IDs");
            let link = self.link_to(&path, related);
            doc.lines(&[
                format!("- {link} - {}", self.entries[related].title),
                String::new(),
            ]);
        }
    }

    /// A random live entry for which `ok` holds.
    fn live_entry(&mut self, ok: impl Fn(&Entry) -> bool) -> usize {
        let entries = &self.entries;
        any(&mut self.rng, entries.len(), |i| {
            entries[i].live() && ok(&entries[i])
        })
    }

    /// The target of a link to entry `i` from the document at `from`.
    fn target_of(&self, from: &str, i: usize) -> String {
        let e = &self.entries[i];
        let path = &self.registries[e.registry].path;
        if path == from {
            format!("#{}", e.slug())
        } else {
            format!("{}#{}", relative(from, path), e.slug())
        }
    }

    /// A link to entry `i` from the document at `from`, its text the ID.
    fn link_to(&mut self, from: &str, i: usize) -> String {
        let id = self.entries[i].id.clone();
        self.mention(&id);
        format!("[{id}]({})", self.target_of(from, i))
    }

    /// A bare mention of entry `i`.
    fn mention_of(&mut self, i: usize) -> String {
        let id = self.entries[i].id.clone();
        self.mention(&id);
        id
    }

    fn navigation(&mut self) -> Doc {
        let mut doc = Doc::new(NAVIGATION);
        doc.heading(1, "Navigation");
        doc.lines(&[
            "Active runbooks of every registry, kept by `sot index`:",
            "",
        ]);
        let blocks = std::mem::take(&mut self.nav);
        self.add_index_block(&mut doc, &blocks[0]);
        doc.lines(&["", "Monitoring entries and their owners:", ""]);
        self.add_index_block(&mut doc, &blocks[1]);
        self.nav = blocks;
        doc
    }

    /// The frontmatter lines of page `p`, with its planted defect.
    fn frontmatter(&mut self, doc: &mut Doc, p: usize) {
        let defect = self.pages[p].frontmatter;
        let service = self.pages[p].service;
        let date = self.date();
        let mut keys: Vec<(&str, String)> = if self.pages[p].kind == PageKind::Guide {
            vec![
                ("document_type", "\"service-guide\"".to_string()),
                ("service", format!("\"{service}\"")),
                (
                    "tier",
                    format!("\"{}\"", self.pick(&["gold", "silver", "bronze"])),
                ),
                ("reviewed", format!("\"{date}\"")),
            ]
        } else {
            let version = format!(
                "{}.{}.{}",
                self.rng.u8(1..=4),
                self.rng.u8(..10),
                self.rng.u8(..20)
            );
            vec![
                ("document_type", "\"deployment-runbook\"".to_string()),
                ("module", format!("\"{service}\"")),
                (
                    "status",
                    format!("\"{}\"", self.pick(&["draft", "in-review", "approved"])),
                ),
                ("version", format!("\"{version}\"")),
                ("last_updated", format!("\"{date}\"")),
                ("author", format!("\"{}\"", self.pick(&TEAMS))),
            ]
        };
        // A missing or empty key is the last one, so never the document type.
        let key = keys.len() - 1;
        let mut planted = None;
        match defect {
            Some(FrontmatterDefect::MissingKey) => {
                keys.pop();
            }
            Some(FrontmatterDefect::EmptyKey) => {
                keys[key].1.clear();
                planted = Some(key);
            }
            Some(FrontmatterDefect::NotInEnum) => {
                let enumerated = keys
                    .iter()
                    .position(|(k, _)| *k == "tier" || *k == "status")
                    .unwrap();
                keys[enumerated].1 = "\"published\"".to_string();
                planted = Some(enumerated);
            }
            Some(FrontmatterDefect::BadVersion) => {
                let version = keys.iter().position(|(k, _)| *k == "version").unwrap();
                keys[version].1 = "\"1.2\"".to_string();
                planted = Some(version);
            }
            Some(FrontmatterDefect::BadDate) => {
                let date = keys
                    .iter()
                    .position(|(k, _)| *k == "last_updated" || *k == "reviewed")
                    .unwrap();
                keys[date].1 = "\"2024-02-30\"".to_string();
                planted = Some(date);
            }
            Some(FrontmatterDefect::DuplicateKey) => {
                let again = keys[1].clone();
                keys.push(again);
                planted = Some(keys.len() - 1);
            }
            Some(FrontmatterDefect::NotYaml) => {
                keys.push(("summary", "Rollout: blue: green".to_string()));
                planted = Some(keys.len() - 1);
            }
            None => {}
        }
        let start = doc.line("---");
        for (k, v) in &keys {
            doc.line(format!("{k}: {v}").trim_end().to_string());
        }
        if self.pages[p].kind == PageKind::Runbook {
            doc.lines(&["keywords:", "  - \"deployment\"", "  - \"rollback\""]);
        }
        doc.lines(&["---", ""]);
        if let Some(defect) = defect {
            let line = planted.map_or(start, |k| start + 1 + k);
            let path = doc.path.clone();
            self.expect(&path, line, defect.rule());
        }
    }
}

/// Runbooks, guides, policies and the README, with their planted defects.
impl Generator {
    /// The section after which each of page `p`'s planted defects is written, of
    /// `sections`.
    fn slots(&mut self, p: usize, sections: usize) -> Vec<(usize, BodyDefect)> {
        let body = self.pages[p].body.clone();
        body.into_iter()
            .map(|d| (self.rng.usize(..sections), d))
            .collect()
    }

    /// Writes the defects of `slots` that belong after section `section`.
    fn planted_after(&mut self, doc: &mut Doc, slots: &[(usize, BodyDefect)], section: usize) {
        for &(_, defect) in slots.iter().filter(|(s, _)| *s == section) {
            self.body_defect(doc, defect);
            doc.line("");
        }
    }

    /// A random string of `len` characters of `alphabet` that no stand-in check mistakes
    /// for one: no character three times in a row.
    fn token(&mut self, alphabet: &[u8], len: usize) -> String {
        let mut out: Vec<u8> = Vec::with_capacity(len);
        while out.len() < len {
            let c = alphabet[self.rng.usize(..alphabet.len())];
            let n = out.len();
            if n >= 2 && out[n - 1].eq_ignore_ascii_case(&c) && out[n - 2].eq_ignore_ascii_case(&c)
            {
                continue;
            }
            out.push(c);
        }
        String::from_utf8(out).unwrap()
    }

    fn body_defect(&mut self, doc: &mut Doc, defect: BodyDefect) {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let path = doc.path.clone();
        let up = "../".repeat(path.matches('/').count());
        let n = self.rng.u16(1..100);
        let line = match defect {
            BodyDefect::BrokenLink => match self.variant("broken-link", 4) {
                0 => doc.line(format!(
                    "Read the [capacity guide]({up}guides/capacity-{n}.md) before scaling."
                )),
                1 => doc.line(format!("![Topology diagram]({up}images/topology-{n}.png)")),
                2 => doc.line("The [escalation matrix]() has moved; ask the on-call lead."),
                _ => doc.line(format!(
                    "Tests follow the [Testing Workflow]({up}Policies/testing-workflow.md)."
                )),
            },
            BodyDefect::BrokenAnchor => match self.variant("broken-anchor", 3) {
                0 => doc.line(format!(
                    "Jump to [the rollback plan](#rollback-plan-{n}) when in doubt."
                )),
                1 => doc.line(format!(
                    "As the [requirement]({up}policies/testing-workflow.md#requirement) says."
                )),
                _ => {
                    let e = self.live_entry(|_| true);
                    let target = self.target_of(&path, e);
                    doc.line(format!("See [the older steps]({target}-v{n})."))
                }
            },
            BodyDefect::UndefinedId => {
                let prefix = self.entries[self.rng.usize(..self.entries.len())].prefix;
                // Past the numbers any registry reserves or defines.
                let id = format!("{prefix}-{}", 300 + n);
                self.mention(&id);
                doc.line(format!("This procedure replaces {id}."))
            }
            BodyDefect::IdLinkMismatch => {
                let said = self.live_entry(|_| true);
                let id = self.entries[said].id.clone();
                let meant = self.live_entry(|e| e.id != id);
                let target = self.target_of(&path, meant);
                // The link counts for the ID its text names, not the one it leads to.
                self.mention(&id);
                doc.line(format!("Related procedure: [{id}]({target})."))
            }
            BodyDefect::Placeholder => match self.variant("placeholder in text", 3) {
                0 => doc.line("Last restore drill: YYYY-MM-DD."),
                1 => doc.line("Page {Service owner name} when the error budget burns."),
                _ => doc.line("Deploy to [staging | production] first."),
            },
            BodyDefect::DeprecatedRef => {
                let entries = &self.entries;
                let old = any(&mut self.rng, entries.len(), |i| {
                    entries[i].status == "Deprecated" && entries[i].copy_of.is_none()
                });
                let id = self.mention_of(old);
                doc.line(format!(
                    "The retired procedure {id} is kept for the record."
                ))
            }
            BodyDefect::Secret => match self.variant("hardcoded-secret", 4) {
                0 => {
                    let token = self.token(ALNUM, 36);
                    doc.line("```bash");
                    let line = doc.line(format!("export GITHUB_TOKEN=ghp_{token}"));
                    doc.line("```");
                    line
                }
                1 => {
                    let key = self.token(UPPER, 16);
                    doc.line(format!(
                        "The deploy user's key is AKIA{key}; it rotates every quarter."
                    ))
                }
                2 => {
                    let (team, channel) = (self.token(UPPER, 9), self.token(UPPER, 9));
                    let secret = self.token(ALNUM, 24);
                    doc.line(format!(
                        "Alerts go to https://hooks.slack.com/services/T{team}/B{channel}/{secret} today."
                    ))
                }
                _ => {
                    let password = format!("{}#{}", self.token(ALNUM, 7), self.token(ALNUM, 7));
                    doc.line(format!(
                        "The job connects with postgres://orders_app:{password}@db-{n}.prod.internal:5432/orders."
                    ))
                }
            },
            BodyDefect::InvalidSuppression => {
                let comment = [
                    "<!-- sot-disable-next-line broken-links -->",
                    "<!-- sot-ignore -->",
                    "<!-- sot-disable-lines placeholder -->",
                ][self.variant("invalid-suppression", 3)];
                doc.line(comment)
            }
            BodyDefect::UnusedSuppression => {
                let line = doc.line("<!-- sot-disable-next-line broken-link -->");
                if path.ends_with("guide.md") {
                    doc.line("The [deploy runbook](runbooks/deploy.md) is the place to start.");
                } else {
                    doc.line("The [service guide](../guide.md) is the place to start.");
                }
                line
            }
        };
        self.expect(&path, line, defect.rule());
    }

    fn runbook(&mut self, p: usize) -> Doc {
        let path = self.pages[p].path.clone();
        let up = "../".repeat(path.matches('/').count());
        let service = self.pages[p].service;
        let mut doc = Doc::new(&path);
        self.frontmatter(&mut doc, p);
        let title = self.pages[p].title.clone();
        doc.heading(1, &title);
        let slots = self.slots(p, 7);

        doc.heading(2, "Goal");
        let goal = format!("{} {}", self.sentence(), self.sentence());
        doc.lines(&[goal, String::new()]);
        self.planted_after(&mut doc, &slots, 0);

        doc.heading(2, "Preconditions");
        doc.lines(&[
            format!("- Approval recorded as the [Change-Management Policy]({up}policies/change-management-policy.md) asks."),
            format!("- Test evidence attached per the [Testing Workflow]({up}policies/testing-workflow.md#requirements)."),
            "- Images pushed with SHA-256 digests and UTF-8 manifests.".to_string(),
            format!("- [ ] Snapshot of the {service} database taken"),
            "- [x] Change ticket approved".to_string(),
            String::new(),
        ]);
        self.planted_after(&mut doc, &slots, 1);

        doc.heading(2, "Deployment Steps");
        for n in 1..=self.rng.usize(3..=6) {
            let step = self.sentence();
            let reference = match self.rng.u8(..4) {
                0 => {
                    let e = self.live_entry(|_| true);
                    format!(" See {}.", self.link_to(&path, e))
                }
                1 => {
                    let e = self.live_entry(|_| true);
                    format!(" Follow {}.", self.mention_of(e))
                }
                _ => String::new(),
            };
            doc.line(format!("{n}. {step}{reference}"));
        }
        let version = format!(
            "{}.{}.{}",
            self.rng.u8(1..=4),
            self.rng.u8(..10),
            self.rng.u8(..20)
        );
        doc.lines(&[
            String::new(),
            "```bash".to_string(),
            "# Stop when another deployment holds the lock.".to_string(),
            "[ -f /var/run/deploy.lock ] && exit 1".to_string(),
            format!("export RELEASE=\"v{version}\""),
            format!("kubectl rollout status deployment/{service}-green --namespace=production"),
            "echo \"${{ secrets.DEPLOY_TOKEN }}\" | wc -c  # the token comes from CI".to_string(),
            "```".to_string(),
            String::new(),
            "Templates write `[DEP-XXX](missing.md)` and `{Procedure name}`; in code they are text.".to_string(),
            String::new(),
        ]);
        self.planted_after(&mut doc, &slots, 2);

        doc.heading(2, "Monitoring & Validation");
        doc.lines(&[
            "| Signal | Healthy | Page when |",
            "| --- | --- | --- |",
            "| Error rate | < 0.1% | > 1% |",
            "| p95 latency | < 250 ms | > 600 ms |",
            "",
        ]);
        self.planted_after(&mut doc, &slots, 3);

        doc.heading(2, "Rollback");
        let rollback = self.sentence();
        doc.lines(&[rollback, String::new()]);
        doc.heading(3, "Rollback");
        doc.lines(&["Database rollback", "-----------------", ""]);
        doc.take_slug("database-rollback");
        doc.lines(&[
            "Repeat the [rollback steps](#rollback-1), then the [database rollback](#database-rollback).",
            "",
        ]);
        self.planted_after(&mut doc, &slots, 4);

        doc.heading(2, "Release & Communication");
        doc.lines(&[
            "Post updates as [Release & Communication](#release--communication) describes.",
            "",
            "<a id=\"escalation\"></a>",
            "Escalate as [the escalation note](#escalation) says.",
            "",
        ]);
        self.planted_after(&mut doc, &slots, 5);

        doc.heading(2, "Related Documents");
        let runbooks: Vec<usize> = (0..self.pages.len())
            .filter(|&i| i != p && self.pages[i].kind == PageKind::Runbook)
            .collect();
        for _ in 0..2.min(runbooks.len()) {
            let peer = self.pick(&runbooks);
            let (peer_path, peer_title) = (&self.pages[peer].path, &self.pages[peer].title);
            doc.line(format!(
                "- [{peer_title}]({}#goal)",
                relative(&path, peer_path)
            ));
        }
        doc.lines(&[
            "- [Service guide](../guide.md#overview)".to_string(),
            format!("- [Policies]({up}policies/) and the [service configuration]({up}config/app.yaml)"),
            format!("- [Release notes](<{up}docs/Release Notes.md>), also [encoded]({up}docs/Release%20Notes.md)"),
            "- The [handbook][handbook] and the SLA[^sla].".to_string(),
            String::new(),
            format!("[handbook]: {up}policies/testing-workflow.md#scope"),
            "[^sla]: 99.9% of minutes in a month.".to_string(),
            String::new(),
            "Outside: [status page](https://status.example.com), [mail](mailto:sre@example.com).".to_string(),
            String::new(),
        ]);
        if self.rng.u8(..4) == 0 {
            // A suppression that silences a real finding: used, so quiet.
            doc.lines(&[
                "<!-- sot-disable-next-line broken-link -->".to_string(),
                format!("The [2019 capacity plan]({up}archive/capacity-2019.md) was lost in a migration."),
                String::new(),
            ]);
        }
        self.planted_after(&mut doc, &slots, 6);
        doc
    }

    fn guide(&mut self, p: usize) -> Doc {
        let path = self.pages[p].path.clone();
        let missing = self.pages[p].missing_section;
        let mut doc = Doc::new(&path);
        self.frontmatter(&mut doc, p);
        let title = self.pages[p].title.clone();
        doc.heading(1, &title);
        if missing.is_some() {
            self.expect(&path, 1, "missing-section");
        }
        let slots = self.slots(p, GUIDE_SECTIONS.len());
        for (s, section) in GUIDE_SECTIONS.into_iter().enumerate() {
            if missing == Some(section) {
                self.planted_after(&mut doc, &slots, s);
                continue;
            }
            doc.heading(2, section);
            let text = self.sentence();
            let more = match section {
                "Overview" => {
                    "Start with the [deploy runbook](runbooks/deploy.md#goal).".to_string()
                }
                "Dependencies" => {
                    let e = self.live_entry(|e| e.prefix == "MON");
                    format!("Capacity is watched as {}.", self.mention_of(e))
                }
                "Rollback" => {
                    "Follow the [rollback runbook](runbooks/rollback.md#rollback).".to_string()
                }
                _ => format!(
                    "Write to [the team](mailto:{}@example.com).",
                    self.pages[p].service
                ),
            };
            doc.lines(&[format!("{text} {more}"), String::new()]);
            self.planted_after(&mut doc, &slots, s);
        }
        doc
    }

    fn policy(&mut self, p: usize) -> Doc {
        let path = self.pages[p].path.clone();
        let mut doc = Doc::new(&path);
        let title = self.pages[p].title.clone();
        doc.heading(1, &title);
        let slots = self.slots(p, 4);
        for (s, section) in ["Purpose", "Scope", "Requirements", "Exceptions"]
            .into_iter()
            .enumerate()
        {
            doc.heading(2, section);
            if section == "Requirements" {
                for _ in 0..3 {
                    let item = self.sentence();
                    doc.line(format!("- {item}"));
                }
            } else {
                let mut text = format!("{} {}", self.sentence(), self.sentence());
                if section == "Scope" {
                    let e = self.live_entry(|_| true);
                    text.push_str(&format!(
                        " Emergency changes follow {}.",
                        self.mention_of(e)
                    ));
                }
                doc.line(text);
            }
            doc.line("");
            self.planted_after(&mut doc, &slots, s);
        }
        doc
    }

    fn readme(&mut self) -> Doc {
        let mut doc = Doc::new("README.md");
        doc.heading(1, "Operations documentation");
        doc.lines(&[
            "Registries, runbooks, service guides and policies of the platform.",
            "",
        ]);
        doc.heading(2, "Registries");
        for r in &self.registries {
            let name = r.path.rsplit('/').next().unwrap();
            doc.line(format!("- [{name}]({}): {}", r.path, r.prefixes.join(", ")));
        }
        doc.line("");
        doc.heading(2, "Where to start");
        doc.lines(&[
            format!("- [Navigation]({NAVIGATION})"),
            "- [Policies](policies/) and the [performance standard](standards/performance-and-scalability-standard.md#requirements)".to_string(),
            "- [Release notes](docs/Release%20Notes.md)".to_string(),
        ]);
        doc
    }
}
