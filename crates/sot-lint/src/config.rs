//! `sot.toml`: what a team's documents look like, in three stages as users write it
//! (`Config`), checked strictly (unknown keys, rule names, globs and patterns are
//! errors with a line), and resolved into the `Settings` the rules read.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sot_syntax::LineIndex;

use sot_registry::{
    AnchorPattern, DocumentIds, Generator, HeadingIds, IdConfig, IdSource, Rewrite, Site,
};

use crate::placeholders::{Tier, PATTERNS};
use crate::{Schema, Severity, ValueRule, RULES};

/// The file as users write it. Every key is optional; `sot config` prints it resolved.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs of the documents to check (default: every `*.md` and `*.markdown`).
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of paths to skip, beside what `.gitignore` ignores.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// ID prefixes known without any file declaring them.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Severity per rule: `error`, `warning` or `off`.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    /// Severities for some paths only.
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default)]
    pub placeholders: PlaceholderConfig,
    /// How link targets resolve: as GitHub shows the files, or as a docs site publishes them.
    #[serde(default)]
    pub links: LinksConfig,
    /// The schema; when given it replaces the default (print that with `sot config`).
    #[serde(default)]
    pub schema: Schema,
    /// Files that are entries as a whole (an EIP, a KEP, an ADR).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentConfig>,
    /// Templates whose structure documents made from them must follow.
    #[serde(default, rename = "template", skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<TemplateConfig>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    pub prefix: String,
    /// The files that are entries.
    pub glob: String,
    /// `frontmatter:KEY` (the number is the key's value), `filename:REGEX` (the
    /// pattern's first group, matched against the file name) or `path:REGEX` (the
    /// same, against the root-relative path).
    pub id: String,
    /// Whether these files are the whole registry of the prefix. `false` when the rest
    /// lives in another repository: a number with no file here is then no
    /// `undefined-id`.
    #[serde(default = "yes")]
    pub complete: bool,
    /// Frontmatter keys every such file must have.
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, ValueRule>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateConfig {
    /// The template document, root-relative.
    pub path: String,
    /// Globs of the documents made from it.
    #[serde(default)]
    pub applies_to: Vec<String>,
    /// Or: documents whose frontmatter `document_type` has this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    /// `warn` as ESLint and markdownlint spell it.
    #[serde(alias = "warn")]
    Warning,
    Off,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub paths: Vec<String>,
    pub rules: BTreeMap<String, Level>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceholderConfig {
    /// Extra patterns (regular expressions).
    #[serde(default)]
    pub add: Vec<AddedPattern>,
    /// Built-in patterns to turn off, by name: date, your-token, braces, option-list,
    /// example, enum-options, instruction-comment, id-xxx, brackets, at-username, todo.
    #[serde(default)]
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddedPattern {
    pub pattern: String,
    /// `strong` (every document) or `weak` (SoT documents only).
    #[serde(default = "strong")]
    pub tier: TierName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TierName {
    Strong,
    Weak,
}

fn yes() -> bool {
    true
}

/// `[links]`: see `docs/published-sites.md`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    /// What publishes the documents: `github` (links are file paths), `mkdocs`,
    /// `docusaurus`, `hugo`, `jekyll`, `middleman` or `docfx` (links are page URLs).
    #[serde(default)]
    pub site: Generator,
    /// The folder a target starting with `/` starts from; for a site, the folder it
    /// is built from.
    #[serde(default = "workspace_root")]
    pub root: String,
    /// The URL path the site is served under (`/cpp/`), taken off `/` targets.
    #[serde(default = "host_root")]
    pub base: String,
    /// Whether each page is published as a folder (`a/b.md` at `/a/b/`); by default
    /// what the site's generator does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_urls: Option<bool>,
    /// Whether a path must match a file's letter case; by default `false` for Hugo,
    /// which lowercases its URLs, else `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_sensitive: Option<bool>,
    /// Folders whose files the site serves from its root URL (Docusaurus's and
    /// Hugo's `static/`).
    #[serde(default, rename = "static", skip_serializing_if = "Vec::is_empty")]
    pub static_dirs: Vec<String>,
    /// How the generator makes heading ids: `github` or `python-markdown`; by
    /// default the generator's (MkDocs: `python-markdown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading_ids: Option<HeadingIds>,
    /// Whether definition-list terms get ids as headings do (Hugo's
    /// `autoDefinitionTermID`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub definition_term_ids: bool,
    /// Anchors the site's plugins or macros make, found in a page's source: a
    /// regular expression whose first group is the anchor (`<!-- md:setting (\S+) -->`),
    /// or a pattern with the anchor it makes (`{ pattern = '...', anchor = '+$1' }`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<AnchorConfig>,
    /// Regular expressions whose first group names a file the site includes in a
    /// page (`{{% include "x.md" %}}`): that file's anchors are the page's too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    /// Whether tabs get ids from the heading above them and their title, as pymdownx
    /// `tabbed` makes them with a `slugify` and `combine_header_slug: true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub combine_header_slug: bool,
    /// Regular expressions of targets that are not checked (a render hook's
    /// pseudo-links such as Hugo's `(g)`), matched against the decoded target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Conventions the site's build applies to targets, tried in order; the first
    /// that matches rewrites the target before it is resolved.
    #[serde(default, rename = "rewrite", skip_serializing_if = "Vec::is_empty")]
    pub rewrites: Vec<RewriteConfig>,
    /// URL paths served from another folder than `root` (`"/docs/" = "website/_docs"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paths: BTreeMap<String, String>,
}

/// An `anchors` entry: a regular expression whose first group is the anchor, or a
/// pattern and the anchor each match makes (`$1` for a group).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(
    untagged,
    expecting = "an `anchors` entry is a regular expression or a table `{ pattern = '...', anchor = '...' }`"
)]
pub enum AnchorConfig {
    Pattern(String),
    Template(AnchorTemplate),
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnchorTemplate {
    pub pattern: String,
    pub anchor: String,
}

/// `[[links.rewrite]]`: a regular expression on the decoded target and its
/// replacement (`$1` for a group).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewriteConfig {
    pub from: String,
    pub to: String,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            site: Generator::GitHub,
            root: workspace_root(),
            base: host_root(),
            directory_urls: None,
            case_sensitive: None,
            static_dirs: Vec::new(),
            heading_ids: None,
            definition_term_ids: false,
            anchors: Vec::new(),
            includes: Vec::new(),
            combine_header_slug: false,
            ignore: Vec::new(),
            rewrites: Vec::new(),
            paths: BTreeMap::new(),
        }
    }
}

fn workspace_root() -> String {
    ".".into()
}

fn host_root() -> String {
    "/".into()
}

fn strong() -> TierName {
    TierName::Strong
}

impl Default for Config {
    fn default() -> Self {
        Config {
            include: Vec::new(),
            exclude: Vec::new(),
            prefixes: Vec::new(),
            rules: RULES
                .iter()
                .map(|r| {
                    let level = match r.severity {
                        Severity::Warning | Severity::Note => Level::Warning,
                        Severity::Error => Level::Error,
                    };
                    (r.name.to_string(), level)
                })
                .collect(),
            overrides: Vec::new(),
            placeholders: PlaceholderConfig::default(),
            links: LinksConfig::default(),
            schema: Schema::default(),
            documents: Vec::new(),
            templates: Vec::new(),
        }
    }
}

/// A mistake in `sot.toml`, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub help: Option<String>,
}

/// An added placeholder pattern, compiled.
#[derive(Debug, Clone)]
pub struct ExtraPattern {
    pub regex: Regex,
    pub tier: Tier,
    pub message: Option<String>,
}

/// The configuration resolved for the rules and the walk.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    include: Option<GlobSet>,
    exclude: GlobSet,
    /// Every override's globs in one set (matching a path costs one pass however many
    /// overrides there are), with the override each glob belongs to.
    override_globs: GlobSet,
    override_of_glob: Vec<usize>,
    pub extra_placeholders: Vec<ExtraPattern>,
    /// Per template of `config.templates`: the globs of the documents it applies to.
    template_paths: Vec<GlobSet>,
    /// Per `config.documents`: its files and where their numbers are.
    document_ids: Vec<(GlobSet, IdSource)>,
    site: Site,
    /// Whether `sot.toml` has a `[links]` section.
    links_written: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::resolve(Config::default(), "").expect("the default configuration is valid")
    }
}

impl Settings {
    /// Parses and checks `sot.toml`.
    pub fn parse(text: &str) -> Result<Settings, ConfigError> {
        let lines = LineIndex::new(text);
        let at = |offset: usize| lines.position(offset);
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let p = at(e.span().map_or(0, |s| s.start));
            ConfigError {
                message: e.message().to_string(),
                line: p.line,
                column: p.column,
                help: Some("`sot config` prints every key with its default".into()),
            }
        })?;
        // Rules not named keep their default severity.
        for (name, level) in Config::default().rules {
            config.rules.entry(name).or_insert(level);
        }
        let mut settings = Settings::resolve(config, text)?;
        settings.links_written =
            toml::from_str::<toml::Table>(text).is_ok_and(|table| table.contains_key("links"));
        Ok(settings)
    }

    /// Whether `sot.toml` has a `[links]` section, which a detected generator never
    /// replaces.
    pub fn writes_links(&self) -> bool {
        self.links_written
    }

    /// These settings with `links` in place of `[links]`: the settings of a
    /// generator detected from its own configuration file. The error says why
    /// `links` cannot be used.
    pub fn with_links(mut self, mut links: LinksConfig) -> Result<Settings, String> {
        self.site = resolve_links(&mut links).map_err(|(_, message, _)| message)?;
        self.config.links = links;
        Ok(self)
    }

    fn resolve(mut config: Config, text: &str) -> Result<Settings, ConfigError> {
        let lines = LineIndex::new(text);
        // Locate a value in the file for the error message; line 1 when not found.
        let locate = |needle: &str| {
            let p = text
                .find(needle)
                .map_or(sot_syntax::Position { line: 1, column: 1 }, |o| {
                    lines.position(o)
                });
            (p.line, p.column)
        };
        let error = |needle: &str, message: String, help: Option<String>| {
            let (line, column) = locate(needle);
            ConfigError {
                message,
                line,
                column,
                help,
            }
        };
        let rule_names = config
            .rules
            .keys()
            .chain(config.overrides.iter().flat_map(|o| o.rules.keys()));
        for name in rule_names {
            if !RULES.iter().any(|r| r.name == name) {
                return Err(error(
                    name,
                    format!("unknown rule `{name}`"),
                    Some(crate::unknown_rule_help(name)),
                ));
            }
        }
        for name in &config.placeholders.remove {
            if !PATTERNS.contains(&name.as_str()) {
                return Err(error(
                    name,
                    format!("unknown placeholder pattern `{name}`"),
                    Some(format!("built-in patterns: {}", PATTERNS.join(", "))),
                ));
            }
        }
        // The globs a pattern stands for: `docs/**` also matches `docs` itself.
        let pattern_globs = |p: &str| -> Result<Vec<Glob>, ConfigError> {
            let mut globs =
                vec![Glob::new(p).map_err(|e| error(p, format!("invalid glob `{p}`: {e}"), None))?];
            if let Some(dir) = p.strip_suffix("/**") {
                globs.push(Glob::new(dir).map_err(|e| error(p, e.to_string(), None))?);
            }
            Ok(globs)
        };
        let globs = |patterns: &[String]| -> Result<GlobSet, ConfigError> {
            let mut set = GlobSetBuilder::new();
            for p in patterns {
                for glob in pattern_globs(p)? {
                    set.add(glob);
                }
            }
            set.build().map_err(|e| error("", e.to_string(), None))
        };
        let include = (!config.include.is_empty())
            .then(|| globs(&config.include))
            .transpose()?;
        let exclude = globs(&config.exclude)?;
        let mut override_set = GlobSetBuilder::new();
        let mut override_of_glob = Vec::new();
        for (i, o) in config.overrides.iter().enumerate() {
            for p in &o.paths {
                for glob in pattern_globs(p)? {
                    override_set.add(glob);
                    override_of_glob.push(i);
                }
            }
        }
        let override_globs = override_set
            .build()
            .map_err(|e| error("", e.to_string(), None))?;
        let mut extra_placeholders = Vec::new();
        for added in &config.placeholders.add {
            let regex = Regex::new(&added.pattern).map_err(|e| {
                error(
                    &added.pattern,
                    format!("invalid placeholder pattern: {e}"),
                    None,
                )
            })?;
            extra_placeholders.push(ExtraPattern {
                regex,
                tier: match added.tier {
                    TierName::Strong => Tier::Strong,
                    TierName::Weak => Tier::Weak,
                },
                message: added.message.clone(),
            });
        }
        let mut template_paths = Vec::new();
        for t in &config.templates {
            template_paths.push(globs(&t.applies_to)?);
        }
        let mut document_ids = Vec::new();
        for d in &config.documents {
            let source = match d.id.split_once(':') {
                Some(("frontmatter", key)) => IdSource::Frontmatter(key.to_string()),
                Some(("filename", pattern)) => {
                    IdSource::Filename(Regex::new(pattern).map_err(|e| {
                        error(pattern, format!("invalid file name pattern: {e}"), None)
                    })?)
                }
                Some(("path", pattern)) => IdSource::Path(Regex::new(pattern).map_err(|e| {
                    error(pattern, format!("invalid path pattern: {e}"), None)
                })?),
                _ => {
                    return Err(error(
                        &d.id,
                        format!(
                            "document id `{}` is not `frontmatter:KEY`, `filename:REGEX` or `path:REGEX`",
                            d.id
                        ),
                        Some(
                            "e.g. id = \"frontmatter:eip\" or id = \"filename:^(\\\\d+)-\"".into(),
                        ),
                    ))
                }
            };
            document_ids.push((globs(std::slice::from_ref(&d.glob))?, source));
        }
        let site = resolve_links(&mut config.links)
            .map_err(|(needle, message, help)| error(&needle, message, Some(help)))?;
        Ok(Settings {
            config,
            include,
            exclude,
            override_globs,
            override_of_glob,
            extra_placeholders,
            template_paths,
            document_ids,
            site,
            links_written: false,
        })
    }

    /// How link targets resolve.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Whether the walk keeps the document at `path` (root-relative).
    pub fn includes(&self, path: &str) -> bool {
        self.include.as_ref().is_none_or(|s| s.is_match(path)) && !self.excludes(path)
    }

    /// Whether `exclude` skips `path` (root-relative), even when it is named on the
    /// command line.
    pub fn excludes(&self, path: &str) -> bool {
        self.exclude.is_match(path)
    }

    /// The severity of `rule` at `path`, or `None` when it is off there.
    pub fn severity(&self, rule: &str, default: Severity, path: &str) -> Option<Severity> {
        let mut level = self.config.rules.get(rule).copied();
        let mut matching: Vec<usize> = self
            .override_globs
            .matches(path)
            .into_iter()
            .map(|g| self.override_of_glob[g])
            .collect();
        // Later overrides win, as written.
        matching.sort_unstable();
        matching.dedup();
        for i in matching {
            if let Some(l) = self.config.overrides[i].rules.get(rule) {
                level = Some(*l);
            }
        }
        match level {
            None => Some(default),
            Some(Level::Off) => None,
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Error) => Some(Severity::Error),
        }
    }

    /// Whether `rule` is on anywhere (globally or for some paths).
    pub fn is_on_somewhere(&self, rule: &str) -> bool {
        self.config.rules.get(rule) != Some(&Level::Off)
            || self
                .config
                .overrides
                .iter()
                .any(|o| o.rules.get(rule).is_some_and(|l| *l != Level::Off))
    }

    /// The index into `config.templates` of the template that applies to the document
    /// at `path` with frontmatter `document_type` (the template file itself excluded).
    /// Whether the document at `path` is a configured template (read whole by the
    /// checks of the documents made from it).
    pub fn is_template(&self, path: &str) -> bool {
        self.config.templates.iter().any(|t| t.path == path)
    }

    pub fn template_for(&self, path: &str, document_type: Option<&str>) -> Option<usize> {
        self.config.templates.iter().enumerate().position(|(i, t)| {
            t.path != path
                && (self.template_paths[i].is_match(path)
                    || (t.document_type.is_some() && t.document_type.as_deref() == document_type))
        })
    }

    /// What the registry needs to know: declared prefixes, `[[documents]]` rules,
    /// which documents a template applies to, and which fields mark an entry (`ID` and
    /// the schema's required entry fields).
    pub fn id_config(&self) -> IdConfig<'_> {
        let documents = self
            .config
            .documents
            .iter()
            .zip(&self.document_ids)
            .map(|(d, (set, source))| {
                let set = set.clone();
                DocumentIds {
                    prefix: d.prefix.clone(),
                    matches: Box::new(move |path: &str| set.is_match(path)),
                    source: source.clone(),
                }
            })
            .collect();
        let mut entry_fields = vec!["ID".to_string()];
        entry_fields.extend(self.config.schema.entries.required.iter().cloned());
        IdConfig {
            prefixes: self.config.prefixes.clone(),
            entry_fields,
            documents,
            templated: Box::new(|doc| {
                let document_type = doc
                    .frontmatter
                    .as_ref()
                    .and_then(|f| f.scalar("document_type"));
                self.template_for(&doc.path, document_type.as_deref())
                    .is_some()
            }),
        }
    }

    /// The `[[documents]]` blocks whose glob matches none of `paths`: a
    /// configuration mistake worth a warning.
    pub fn documents_matching_nothing<'p>(
        &self,
        paths: impl Iterator<Item = &'p str> + Clone,
    ) -> Vec<&DocumentConfig> {
        self.config
            .documents
            .iter()
            .zip(&self.document_ids)
            .filter(|(_, (set, _))| !paths.clone().any(|p| set.is_match(p)))
            .map(|(d, _)| d)
            .collect()
    }

    /// The `[[documents]]` rule that makes the file at `path` an entry, if any.
    pub fn document_rule(&self, path: &str) -> Option<&DocumentConfig> {
        self.config
            .documents
            .iter()
            .zip(&self.document_ids)
            .find(|(_, (set, _))| set.is_match(path))
            .map(|(d, _)| d)
    }

    pub fn removes(&self, pattern: &str) -> bool {
        self.config.placeholders.remove.iter().any(|p| p == pattern)
    }

    /// The resolved configuration as TOML, defaults included.
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.config).expect("the configuration serializes")
    }
}

/// Checks `[links]` and writes its values back in their plain form (`root = "docs"`,
/// `base = "/cpp/"`, the generator's `directory_urls` and `case_sensitive`), for
/// `sot config`. An error carries the text to point at, the message and a help.
fn resolve_links(links: &mut LinksConfig) -> Result<Site, (String, String, String)> {
    let invalid =
        |value: &str, message: String, help: &str| (value.to_string(), message, help.to_string());
    let root_help = "a folder relative to the workspace root, such as \"docs\"";
    let base_help = "the path of the site's URL: base = \"/docs/\"";
    let folder = |key: &str, value: &str| {
        plain_segments(value)
            .filter(|_| !value.starts_with('/'))
            .ok_or_else(|| {
                let message =
                    format!("`{key}` must be a folder inside the workspace, not `{value}`");
                invalid(value, message, root_help)
            })
    };
    let root = folder("root", &links.root)?;
    let static_dirs = links
        .static_dirs
        .iter()
        .map(|dir| folder("static", dir))
        .collect::<Result<Vec<_>, _>>()?;
    let url_path = |key: &str, value: &str, help: &str| {
        plain_segments(value)
            .filter(|_| value.starts_with('/'))
            .ok_or_else(|| {
                let message =
                    format!("`{key}` must be a URL path starting with `/`, not `{value}`");
                invalid(value, message, help)
            })
    };
    let base = url_path("base", &links.base, base_help)?;
    let paths_help = "a URL path and the folder it is served from: \"/docs/\" = \"website/docs\"";
    let mut paths = Vec::new();
    for (url, dir) in &links.paths {
        paths.push((url_path("paths", url, paths_help)?, folder("paths", dir)?));
    }
    let regex = |key: &str, pattern: &str| {
        Regex::new(pattern).map_err(|e| {
            invalid(
                pattern,
                format!("invalid regular expression in `{key}`: {e}"),
                "a Rust regular expression, such as \"^g$\"",
            )
        })
    };
    let ignore = links
        .ignore
        .iter()
        .map(|p| regex("ignore", p))
        .collect::<Result<Vec<_>, _>>()?;
    let anchors = links
        .anchors
        .iter()
        .map(|a| {
            Ok::<_, (String, String, String)>(match a {
                AnchorConfig::Pattern(p) => AnchorPattern {
                    regex: regex("anchors", p)?,
                    anchor: None,
                },
                AnchorConfig::Template(t) => AnchorPattern {
                    regex: regex("anchors", &t.pattern)?,
                    anchor: Some(t.anchor.clone()),
                },
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let includes = links
        .includes
        .iter()
        .map(|p| regex("includes", p))
        .collect::<Result<Vec<_>, _>>()?;
    let rewrites = links
        .rewrites
        .iter()
        .map(|r| {
            Ok::<_, (String, String, String)>(Rewrite {
                from: regex("rewrite", &r.from)?,
                to: r.to.clone(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let generator = links.site;
    let site_only = [
        ("directory_urls", links.directory_urls.is_some()),
        ("static", !links.static_dirs.is_empty()),
        ("paths", !links.paths.is_empty()),
        ("heading_ids", links.heading_ids.is_some()),
        ("definition_term_ids", links.definition_term_ids),
        ("anchors", !links.anchors.is_empty()),
        ("includes", !links.includes.is_empty()),
        ("combine_header_slug", links.combine_header_slug),
    ];
    if let Some((key, _)) = site_only
        .iter()
        .find(|(_, set)| *set && generator == Generator::GitHub)
    {
        return Err(invalid(
            key,
            format!("`{key}` applies to a published site, not to site = \"github\""),
            "set `site` to the generator that publishes the documents",
        ));
    }
    links.root = if root.is_empty() {
        ".".into()
    } else {
        root.clone()
    };
    links.base = if base.is_empty() {
        "/".into()
    } else {
        format!("/{base}/")
    };
    links.static_dirs = static_dirs.clone();
    links.paths = paths
        .iter()
        .map(|(url, dir)| (format!("/{url}/"), dir.clone()))
        .collect();
    links.directory_urls = (generator != Generator::GitHub)
        .then(|| links.directory_urls.unwrap_or(generator.directory_urls()));
    links.case_sensitive = Some(links.case_sensitive.unwrap_or(generator.case_sensitive()));
    let heading_ids = links.heading_ids.unwrap_or(generator.heading_ids());
    links.heading_ids = (generator != Generator::GitHub).then_some(heading_ids);
    Ok(Site::new(
        generator,
        root,
        base,
        links.directory_urls.unwrap_or(false),
        links.case_sensitive == Some(false),
    )
    .with_static(static_dirs)
    .with_paths(paths)
    .with_target_rules(ignore, rewrites)
    .with_anchor_rules(heading_ids, links.definition_term_ids, anchors)
    .with_tab_ids(links.combine_header_slug)
    .with_includes(includes))
}

/// `a/./b/` as `a/b`; `None` for `..`, a backslash or a scheme.
fn plain_segments(path: &str) -> Option<String> {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    (!path.contains(['\\', ':']) && !parts.contains(&"..")).then(|| parts.join("/"))
}

/// The JSON Schema of `sot.toml`, for editors that complete and check TOML (Taplo,
/// Even Better TOML): derived from [`Config`], so it says what the parser accepts, with
/// the rule names spelled out so a mistyped one is marked as it is typed.
pub fn json_schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Config)).expect("a schema is plain JSON");
    schema["title"] = "sot.toml".into();
    let rules = |description: &str| {
        let each: serde_json::Map<String, serde_json::Value> = RULES
            .iter()
            .map(|r| {
                let level = serde_json::json!({
                    "$ref": "#/$defs/Level",
                    "description": format!("{} (default: {})", r.summary(), r.severity),
                });
                (r.name.to_string(), level)
            })
            .collect();
        serde_json::json!({
            "description": description,
            "type": "object",
            "properties": each,
            "additionalProperties": false,
        })
    };
    schema["properties"]["rules"] = rules("Severity per rule: `error`, `warning` or `off`.");
    schema["$defs"]["Override"]["properties"]["rules"] =
        rules("Severities of these rules in the matching paths.");
    schema
}
