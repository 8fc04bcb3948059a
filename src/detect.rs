//! Zero-configuration `[links]`: when `sot.toml` says nothing about links, the
//! configuration file of the generator that publishes the documents (`mkdocs.yml`,
//! `hugo.toml`, `docusaurus.config.js`, `docfx.json`, Jekyll's `_config.yml`) says how
//! its pages link. Only values that a file states plainly are read; anything else
//! keeps the generator's default.

use std::path::Path;

use regex::Regex;
use serde_json::Value;
use sot_lint::LinksConfig;
use sot_registry::Generator;

/// A generator found at the workspace root, and the `[links]` it stands for.
pub struct Detected {
    /// The root-relative file that identified the generator (`mkdocs.yml`).
    pub source: String,
    pub links: LinksConfig,
}

impl Detected {
    /// The line `sot` prints on stderr so that the user knows why links are read as
    /// page URLs, and how to change it; `links` is the section as resolved.
    pub fn note(&self, links: &LinksConfig) -> String {
        let name = match links.site {
            Generator::MkDocs => "MkDocs",
            Generator::Docusaurus => "Docusaurus",
            Generator::Hugo => "Hugo",
            Generator::Jekyll => "Jekyll",
            Generator::Middleman => "Middleman",
            Generator::Docfx => "docfx",
            Generator::GitHub => "GitHub",
        };
        let site = serde_json::to_value(links.site).unwrap_or_default();
        let mut keys = vec![format!("site = {site}"), format!("root = {:?}", links.root)];
        if links.base != "/" {
            keys.push(format!("base = {:?}", links.base));
        }
        let unchecked = if links.ignore.iter().any(|p| p == ROOT_RELATIVE) {
            "; links starting with `/` are not checked until `base` says the URL path the site is served under"
        } else {
            ""
        };
        format!(
            "note: {}: links are checked as {name} publishes them ([links] {}){unchecked}; write [links] in sot.toml to change this",
            self.source,
            keys.join(", ")
        )
    }
}

/// `ignore` for a docfx site whose URL path is unknown: its `/` links are not checked.
const ROOT_RELATIVE: &str = "^/";

/// The first generator whose configuration file is at `root` (or where that
/// generator keeps it, such as Docusaurus's `website/`).
pub fn detect(root: &Path) -> Option<Detected> {
    mkdocs(root)
        .or_else(|| docusaurus(root))
        .or_else(|| hugo(root))
        .or_else(|| docfx(root))
        .or_else(|| jekyll(root))
}

/// `mkdocs.yml`: `docs_dir` and `use_directory_urls`. The file may hold Python-only
/// YAML (`!!python/name:` tags); what cannot be read keeps MkDocs' defaults.
fn mkdocs(root: &Path) -> Option<Detected> {
    let (source, text) = read_first(root, &["mkdocs.yml", "mkdocs.yaml"])?;
    let config: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_default();
    let docs_dir = config
        .get("docs_dir")
        .and_then(serde_yaml::Value::as_str)
        .unwrap_or("docs");
    Some(Detected {
        source,
        links: LinksConfig {
            site: Generator::MkDocs,
            root: folder(docs_dir)?,
            directory_urls: config
                .get("use_directory_urls")
                .and_then(serde_yaml::Value::as_bool),
            ..LinksConfig::default()
        },
    })
}

/// `docusaurus.config.{js,ts,mjs}` at the root or in a folder below it (`website/`).
/// The file is a program and is not run: its `baseUrl`, and the docs plugin's `path`
/// and `routeBasePath`, are read only where each is one plain string literal in the
/// file (two `routeBasePath`s may be the docs' and the blog's, so neither is taken).
fn docusaurus(root: &Path) -> Option<Detected> {
    let names = [
        "docusaurus.config.js",
        "docusaurus.config.ts",
        "docusaurus.config.mjs",
    ];
    let (source, text) = read_first(root, &names).or_else(|| {
        subfolders(root)
            .into_iter()
            .find_map(|dir| read_first(root, &names.map(|n| format!("{dir}/{n}"))))
    })?;
    let site_dir = source.rsplit_once('/').map_or("", |(dir, _)| dir);
    let in_site = |path: &str| match site_dir {
        "" => folder(path),
        dir => folder(&format!("{dir}/{path}")),
    };
    let docs = match string_literal(&text, "path") {
        Some(path) => in_site(&path)?,
        None => in_site("docs")?,
    };
    let route = string_literal(&text, "routeBasePath").unwrap_or_else(|| "docs".into());
    let route = route.trim_matches('/');
    let site_root = in_site(".")?;
    let mut links = LinksConfig {
        site: Generator::Docusaurus,
        base: string_literal(&text, "baseUrl").unwrap_or_else(|| "/".into()),
        static_dirs: existing(root, in_site("static")),
        ..LinksConfig::default()
    };
    if route.is_empty() {
        // Docs-only mode: the docs are the site's root URL.
        links.root = docs;
    } else {
        links.root = site_root;
        links.paths.insert(format!("/{route}/"), docs);
    }
    Some(Detected { source, links })
}

/// `hugo.{toml,yaml,json}`, or `config.{toml,yaml,json}` beside its content folder
/// (a name other tools use too), at the root or in `config/_default/`: `contentDir`
/// (the top-level one, else the default language's, else the folder a module mount
/// makes `content`), `staticDir`, `uglyURLs` and goldmark's `autoDefinitionTermID`.
/// Other languages' content folders are served under `/<language>/`. A link render
/// hook that looks destinations up with `GetPage` (the site's own, or Hugo's embedded
/// one) reads a relative link from the file's folder, as `directory_urls = false`
/// does.
fn hugo(root: &Path) -> Option<Detected> {
    let mut candidates = Vec::new();
    for dir in ["", "config/_default/"] {
        for name in ["hugo", "config"] {
            for ext in ["toml", "yaml", "json"] {
                candidates.push((format!("{dir}{name}.{ext}"), name == "hugo"));
            }
        }
    }
    candidates.into_iter().find_map(|(path, own_name)| {
        let text = crate::workspace::read_text(&root.join(&path)).ok()?;
        let config = parse_any(&path, &text);
        let language = get(&config, "defaultContentLanguage")
            .and_then(Value::as_str)
            .unwrap_or("en")
            .to_lowercase();
        let languages = get(&config, "languages").and_then(Value::as_object);
        let language_dir = |key: &str| {
            languages
                .and_then(|l| l.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
                .and_then(|(_, v)| get(v, "contentDir"))
                .and_then(Value::as_str)
        };
        let content = get(&config, "contentDir")
            .and_then(Value::as_str)
            .or_else(|| language_dir(&language))
            .or_else(|| mount_source(&config, "content"))
            .unwrap_or("content");
        let content = folder(content)?;
        if !own_name && !root.join(&content).is_dir() {
            return None;
        }
        let static_dir = get(&config, "staticDir")
            .and_then(Value::as_str)
            .or_else(|| mount_source(&config, "static"))
            .unwrap_or("static");
        let goldmark = get(&config, "markup").and_then(|m| get(m, "goldmark"));
        let parser = goldmark.and_then(|g| get(g, "parser"));
        let ugly_urls = get(&config, "uglyURLs").and_then(Value::as_bool) == Some(true);
        let mut links = LinksConfig {
            site: Generator::Hugo,
            static_dirs: existing(root, folder(static_dir)),
            directory_urls: (ugly_urls || hugo_page_lookup_hook(root, goldmark)).then_some(false),
            definition_term_ids: parser
                .and_then(|p| get(p, "autoDefinitionTermID"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..LinksConfig::default()
        };
        for key in languages.into_iter().flat_map(|l| l.keys()) {
            let dir = language_dir(key).and_then(folder);
            if let Some(dir) = dir.filter(|d| *d != content && key.to_lowercase() != language) {
                links.paths.insert(format!("/{}/", key.to_lowercase()), dir);
            }
        }
        links.root = content;
        Some(Detected {
            source: path,
            links,
        })
    })
}

/// Whether a link render hook looks destinations up as pages from the file's folder:
/// a `render-link.html` of the site's that calls `GetPage`, or Hugo's embedded hook
/// turned on (`renderHooks.link.useEmbedded`, formerly `enableDefault`).
fn hugo_page_lookup_hook(root: &Path, goldmark: Option<&Value>) -> bool {
    let own = ["layouts/_markup", "layouts/_default/_markup"]
        .iter()
        .filter_map(|dir| {
            crate::workspace::read_text(&root.join(dir).join("render-link.html")).ok()
        })
        .any(|hook| hook.contains("GetPage"));
    let link = goldmark
        .and_then(|g| get(g, "renderHooks"))
        .and_then(|h| get(h, "link"));
    let embedded = link.is_some_and(|l| {
        matches!(
            get(l, "useEmbedded").and_then(Value::as_str),
            Some("always" | "fallback")
        ) || get(l, "enableDefault").and_then(Value::as_bool) == Some(true)
    });
    own || embedded
}

/// `docfx.json` at the root or one folder down (`docs/docfx.json`); `root` is its
/// folder. Microsoft Learn (`.openpublishing.publish.config.json`) matches paths in
/// any case. The URL path the docset is served under is not in the repository, so
/// `/` links are not checked until `base` is written.
fn docfx(root: &Path) -> Option<Detected> {
    let source = read_first(root, &["docfx.json"]).or_else(|| {
        subfolders(root)
            .into_iter()
            .find_map(|dir| read_first(root, &[format!("{dir}/docfx.json")]))
    })?;
    let (source, _) = source;
    let site_root = source.rsplit_once('/').map_or(".", |(dir, _)| dir);
    let learn = root.join(".openpublishing.publish.config.json").is_file();
    Some(Detected {
        links: LinksConfig {
            site: Generator::Docfx,
            root: site_root.to_string(),
            case_sensitive: learn.then_some(false),
            ignore: vec![ROOT_RELATIVE.into()],
            ..LinksConfig::default()
        },
        source,
    })
}

/// `_config.yml` at the root or in `docs/` (GitHub Pages' two sources), beside a
/// `_layouts`, `_includes` or `_posts` folder or with a `Gemfile` naming Jekyll:
/// `baseurl`, and `permalink: pretty`.
fn jekyll(root: &Path) -> Option<Detected> {
    ["", "docs/"].into_iter().find_map(|dir| {
        let source = format!("{dir}_config.yml");
        let text = crate::workspace::read_text(&root.join(&source)).ok()?;
        let site = root.join(dir);
        let gemfile_names_jekyll = |path: &Path| {
            crate::workspace::read_text(&path.join("Gemfile"))
                .is_ok_and(|g| g.contains("jekyll") || g.contains("github-pages"))
        };
        let marked = ["_layouts", "_includes", "_posts"]
            .iter()
            .any(|d| site.join(d).is_dir())
            || gemfile_names_jekyll(&site)
            || gemfile_names_jekyll(root);
        if !marked {
            return None;
        }
        let config: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_default();
        let baseurl = config
            .get("baseurl")
            .and_then(serde_yaml::Value::as_str)
            .unwrap_or("");
        let pretty = config.get("permalink").and_then(serde_yaml::Value::as_str) == Some("pretty");
        Some(Detected {
            links: LinksConfig {
                site: Generator::Jekyll,
                root: folder(dir)?,
                base: format!("/{}", baseurl.trim_start_matches('/')),
                directory_urls: pretty.then_some(true),
                ..LinksConfig::default()
            },
            source,
        })
    })
}

/// The first of `names` (root-relative) that can be read, with its text.
fn read_first(root: &Path, names: &[impl AsRef<str>]) -> Option<(String, String)> {
    names.iter().find_map(|name| {
        let name = name.as_ref();
        let text = crate::workspace::read_text(&root.join(name)).ok()?;
        Some((name.to_string(), text))
    })
}

/// The folders directly below `root`, sorted, hidden and dependency folders aside.
fn subfolders(root: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.') && name != "node_modules")
        .collect();
    dirs.sort();
    dirs
}

/// `path` as a root-relative folder (`website/../docs` is `docs`, the root is `.`);
/// `None` when it leaves the workspace or is absolute.
fn folder(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains(['\\', ':']) {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// `dir` as a one-item list when it is a folder of the workspace.
fn existing(root: &Path, dir: Option<String>) -> Vec<String> {
    dir.into_iter().filter(|d| root.join(d).is_dir()).collect()
}

/// The value of `key: '...'` (or `"..."`, or a template literal without `${}`) when
/// the file holds exactly one such string literal for that key.
fn string_literal(text: &str, key: &str) -> Option<String> {
    let pattern = Regex::new(&format!(
        r#"\b{key}\s*:\s*(?:'([^'\n]*)'|"([^"\n]*)"|`([^`$\n]*)`)"#
    ))
    .expect("a valid pattern");
    let mut found = pattern.captures_iter(text).map(|c| {
        c.iter()
            .skip(1)
            .flatten()
            .next()
            .map_or(String::new(), |m| m.as_str().to_string())
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// A Hugo configuration file as JSON values, whatever its format; an unreadable file
/// is empty, so that Hugo's defaults apply.
fn parse_any(path: &str, text: &str) -> Value {
    let parsed = if path.ends_with(".toml") {
        toml::from_str(text).ok()
    } else if path.ends_with(".json") {
        serde_json::from_str(text).ok()
    } else {
        serde_yaml::from_str(text).ok()
    };
    parsed.unwrap_or(Value::Null)
}

/// `key` in a Hugo configuration table, whose keys are case-insensitive.
fn get<'v>(table: &'v Value, key: &str) -> Option<&'v Value> {
    table
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The `source` of the first `[[module.mounts]]` whose `target` is `target`.
fn mount_source<'v>(config: &'v Value, target: &str) -> Option<&'v str> {
    get(config, "module")
        .and_then(|m| get(m, "mounts"))
        .and_then(Value::as_array)?
        .iter()
        .find(|m| get(m, "target").and_then(Value::as_str) == Some(target))
        .and_then(|m| get(m, "source"))
        .and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn detected(files: &[(&str, &str)]) -> Option<LinksConfig> {
        detect(site(files).path()).map(|d| d.links)
    }

    #[test]
    fn mkdocs_yaml_that_cannot_be_read_keeps_the_defaults() {
        let links = detected(&[("mkdocs.yml", "site_name: [unclosed\ndocs_dir: site\n")]).unwrap();
        assert_eq!(
            (links.site, links.root.as_str()),
            (Generator::MkDocs, "docs")
        );
        let links = detected(&[(
            "mkdocs.yml",
            "use_directory_urls: false\ndocs_dir: ./pages/\n",
        )])
        .unwrap();
        assert_eq!(
            (links.root.as_str(), links.directory_urls),
            ("pages", Some(false))
        );
        // A docs folder outside the workspace cannot be checked: no detection.
        assert!(detected(&[("mkdocs.yml", "docs_dir: ../docs\n")]).is_none());
    }

    #[test]
    fn docusaurus_at_the_root_serves_its_docs_under_docs() {
        let links = detected(&[
            (
                "docusaurus.config.ts",
                "export default { baseUrl: '/handbook/' };\n",
            ),
            ("static/img/x.svg", ""),
        ])
        .unwrap();
        assert_eq!(links.root, ".");
        assert_eq!(links.base, "/handbook/");
        assert_eq!(links.static_dirs, ["static"]);
        assert_eq!(links.paths["/docs/"], "docs");
    }

    #[test]
    fn docusaurus_literals_that_appear_twice_are_not_taken() {
        // The docs' and the blog's `routeBasePath`: which is which is not read.
        let config = "docs: { routeBasePath: '/' }, blog: { routeBasePath: 'news' }";
        let links = detected(&[("website/docusaurus.config.js", config)]).unwrap();
        assert_eq!(links.root, "website");
        assert_eq!(links.paths["/docs/"], "website/docs");
    }

    #[test]
    fn hugo_content_folder_from_a_module_mount_and_a_generic_config_name() {
        let mounts = "[[module.mounts]]\nsource = 'content/en'\ntarget = 'content'\n";
        let links = detected(&[("hugo.toml", mounts)]).unwrap();
        assert_eq!(links.root, "content/en");
        // `config.toml` is Hugo's only beside its content folder.
        assert!(detected(&[("config.toml", "title = 'x'\n")]).is_none());
        let links = detected(&[
            ("config.yaml", "contentDir: pages\nuglyURLs: true\n"),
            ("pages/_index.md", ""),
        ])
        .unwrap();
        assert_eq!(
            (links.root.as_str(), links.directory_urls),
            ("pages", Some(false))
        );
    }

    #[test]
    fn hugo_link_hooks_that_look_pages_up_read_links_from_the_file_folder() {
        let hook = "{{ with .PageInner.GetPage .Destination }}{{ end }}";
        let hooked = detected(&[
            ("hugo.toml", ""),
            ("layouts/_markup/render-link.html", hook),
        ]);
        assert_eq!(hooked.unwrap().directory_urls, Some(false));
        let embedded = "[markup.goldmark.renderHooks.link]\nuseEmbedded = 'fallback'\n";
        assert_eq!(
            detected(&[("hugo.toml", embedded)]).unwrap().directory_urls,
            Some(false)
        );
        assert_eq!(detected(&[("hugo.toml", "")]).unwrap().directory_urls, None);
    }

    #[test]
    fn jekyll_needs_a_marker_beside_its_config() {
        assert!(detected(&[("_config.yml", "title: x\n")]).is_none());
        let links = detected(&[
            ("docs/_config.yml", "baseurl: ''\npermalink: pretty\n"),
            ("Gemfile", "gem \"github-pages\"\n"),
        ])
        .unwrap();
        assert_eq!((links.root.as_str(), links.base.as_str()), ("docs", "/"));
        assert_eq!(links.directory_urls, Some(true));
    }

    #[test]
    fn docfx_at_the_root_leaves_root_relative_links_unchecked() {
        let links = detected(&[("docfx.json", "{}")]).unwrap();
        assert_eq!((links.site, links.root.as_str()), (Generator::Docfx, "."));
        assert_eq!(links.ignore, [ROOT_RELATIVE]);
        assert_eq!(links.case_sensitive, None);
    }
}
