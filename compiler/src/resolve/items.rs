//! Converting each item, field by field, to its typed form.

use super::fields::Fields;
use super::schema::{item_fields, nested_fields};
use super::values::{self, wrong_type};
use super::{Entry, Symbols};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;
use crate::project::Project;
use crate::syntax::ast::{self, ItemBody, ItemKind, Label, NestedKind, Value, ValueKind};
use std::collections::BTreeMap;

/// Everything a conversion needs to look up.
struct Cx<'a> {
    symbols: &'a Symbols,
    enums: &'a [EnumDef],
    project: &'a Project,
    /// Payload lines lowered early, by block span; each is taken once.
    lowered: std::cell::RefCell<super::lower::LoweredIovs>,
}

pub(super) fn convert_all(
    entries: &[Entry],
    symbols: &Symbols,
    project: &Project,
    lowered: super::lower::LoweredIovs,
    model: &mut Model,
    diags: &mut Vec<Diagnostic>,
) {
    let enums = model.enums.clone();
    let cx = Cx {
        symbols,
        enums: &enums,
        project,
        lowered: std::cell::RefCell::new(lowered),
    };
    for entry in entries {
        let ItemBody::Block(block) = &entry.item.body else {
            continue;
        };
        let owner = format!("{} `{}`", entry.item.kind.keyword(), entry.name.text);
        let fields = Fields::collect(
            owner,
            entry.name.span,
            block,
            item_fields(entry.item.kind),
            diags,
        );
        let d = &mut *diags;
        match entry.item.kind {
            ItemKind::Release => model.releases.push(cx.release(entry, &fields, d)),
            ItemKind::GlobalTag => model.tags.push(cx.tag(entry, &fields, &block.entries, d)),
            ItemKind::Calibration => model.calibrations.push(cx.calibration(entry, &fields, d)),
            ItemKind::Processing => model.processings.push(cx.processing(entry, &fields, d)),
            ItemKind::Campaign => {
                model
                    .campaigns
                    .push(cx.campaign(entry, &fields, &block.entries, d))
            }
            ItemKind::Skim => model.skims.push(cx.skim(entry, &fields, d)),
            ItemKind::Layout => model.layouts.push(cx.layout(entry, &fields, d)),
            ItemKind::Enum => {}
        }
    }
}

/// Keeps the value of a conversion, or records its error.
fn keep<T>(result: Result<T, Diagnostic>, diags: &mut Vec<Diagnostic>) -> Option<T> {
    result.map_err(|d| diags.push(d)).ok()
}

impl Cx<'_> {
    fn enum_def(&self, name: &str) -> &EnumDef {
        let full = format!("{}.{name}", crate::project::STD_PREFIX);
        self.enums
            .iter()
            .find(|e| e.name.text == full)
            .unwrap_or_else(|| panic!("the standard library defines enum `{name}`"))
    }

    /// The entry `entry` of a standard enum, for defaults.
    fn default_enum(&self, name: &str, entry: &str) -> EnumValue {
        let def = self.enum_def(name);
        let (index, e) = def
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == entry)
            .unwrap_or_else(|| panic!("the standard enum `{name}` has `{entry}`"));
        EnumValue {
            name: e.name.clone(),
            text: e.text.clone(),
            index,
        }
    }

    fn enum_value(
        &self,
        field: &str,
        value: &Value,
        enum_name: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<EnumValue> {
        if value.kind == ValueKind::Error {
            return None;
        }
        keep(
            values::enum_value(field, value, self.enum_def(enum_name)),
            diags,
        )
    }

    fn enum_field(
        &self,
        fields: &Fields,
        field: &str,
        enum_name: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<EnumValue> {
        self.enum_value(field, fields.value(field)?, enum_name, diags)
    }

    fn enum_or(
        &self,
        fields: &Fields,
        field: &str,
        enum_name: &str,
        default: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> EnumValue {
        self.enum_field(fields, field, enum_name, diags)
            .unwrap_or_else(|| self.default_enum(enum_name, default))
    }

    fn enum_list(
        &self,
        fields: &Fields,
        field: &str,
        enum_name: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<EnumValue>> {
        let items = list(field, fields.value(field)?, diags)?;
        Some(
            items
                .iter()
                .filter_map(|v| self.enum_value(field, v, enum_name, diags))
                .collect(),
        )
    }

    fn reference(
        &self,
        field: &str,
        value: &Value,
        kinds: &[ItemKind],
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<u32>> {
        self.symbols
            .reference(field, value, kinds, diags)
            .map(|(_, i)| Spanned::new(i, value.span))
    }

    /// `globaltags = [a, b]` or `globaltag = a`.
    fn tag_stack(&self, fields: &Fields, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<TagId>> {
        let mut stack = Vec::new();
        if let Some(value) = fields.value("globaltags") {
            for v in list("globaltags", value, diags).unwrap_or_default() {
                if let Some(s) = self.reference("globaltags", v, &[ItemKind::GlobalTag], diags) {
                    stack.push(Spanned::new(TagId(s.value), s.span));
                }
            }
        } else if let Some(value) = fields.value("globaltag") {
            if let ValueKind::List(_) = value.kind {
                diags.push(
                    wrong_type("globaltag", "one globaltag name", value)
                        .with_help("for a stack of tags write `globaltags = [a, b]`"),
                );
            } else if let Some(s) =
                self.reference("globaltag", value, &[ItemKind::GlobalTag], diags)
            {
                stack.push(Spanned::new(TagId(s.value), s.span));
            }
        }
        stack
    }

    fn after(&self, fields: &Fields, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<Step>> {
        let Some(value) = fields.value("after") else {
            return Vec::new();
        };
        let kinds = [ItemKind::Calibration, ItemKind::Processing];
        list("after", value, diags)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| {
                let (kind, index) = self.symbols.reference("after", v, &kinds, diags)?;
                let step = match kind {
                    ItemKind::Calibration => Step::Calibration(CalibrationId(index)),
                    _ => Step::Processing(ProcessingId(index)),
                };
                Some(Spanned::new(step, v.span))
            })
            .collect()
    }

    fn layout_ref(
        &self,
        fields: &Fields,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<LayoutId>> {
        let value = fields.value("layout")?;
        self.reference("layout", value, &[ItemKind::Layout], diags)
            .map(|s| Spanned::new(LayoutId(s.value), s.span))
    }

    /// Whether a written field of a tag failed to convert (already reported).
    fn is_invalid(&self, fields: &Fields, field: &str) -> bool {
        let Some(value) = fields.value(field) else {
            return false;
        };
        match field {
            "state" => values::enum_value(field, value, self.enum_def("gt_state")).is_err(),
            _ => values::integer(field, value).is_err(),
        }
    }

    // ------------------------------------------------------------ items

    fn release(&self, entry: &Entry, fields: &Fields, diags: &mut Vec<Diagnostic>) -> Release {
        Release {
            name: entry.name.clone(),
            status: self.enum_or(fields, "status", "release_status", "supported", diags),
            is_std: entry.is_std,
        }
    }

    fn tag(
        &self,
        entry: &Entry,
        fields: &Fields,
        body: &[ast::Entry],
        diags: &mut Vec<Diagnostic>,
    ) -> GlobalTag {
        GlobalTag {
            name: entry.name.clone(),
            docs: entry.item.docs.clone(),
            id: spanned_integer(fields, "id", diags),
            invalid: ["id", "state"]
                .into_iter()
                .filter(|f| self.is_invalid(fields, f))
                .collect(),
            ty: self.enum_or(fields, "type", "gt_type", "DEV", diags),
            state: self.enum_or(fields, "state", "gt_state", "OPEN", diags),
            release: spanned_string(fields, "release", diags),
            iov_policy: self.enum_or(fields, "iov_policy", "iov_policy", "strict", diags),
            base: fields
                .value("base")
                .and_then(|v| self.reference("base", v, &[ItemKind::GlobalTag], diags))
                .map(|s| Spanned::new(TagId(s.value), s.span)),
            description: tag_description(entry, fields, diags),
            payloads: self.payloads(entry, body, diags),
            is_std: entry.is_std,
        }
    }

    /// Written and imported payload lines, merged by payload name.
    fn payloads(
        &self,
        entry: &Entry,
        body: &[ast::Entry],
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Payload> {
        let mut payloads: BTreeMap<String, Payload> = BTreeMap::new();
        let mut field_spans: BTreeMap<(String, &str), crate::source::Span> = BTreeMap::new();
        for item in body {
            let ast::Entry::Nested(nested) = item else {
                continue;
            };
            let Label::Name(name) = &nested.label else {
                continue;
            };
            let owner = format!("payload `{}` of globaltag `{}`", name.name, entry.name.text);
            let fields = Fields::collect(
                owner,
                name.span,
                &nested.body,
                nested_fields(NestedKind::Payload),
                diags,
            );
            let payload = payloads
                .entry(name.name.clone())
                .or_insert_with(|| Payload {
                    name: Name {
                        text: name.name.clone(),
                        span: name.span,
                    },
                    docs: Vec::new(),
                    release: None,
                    optional: false,
                    iovs: Vec::new(),
                    incomplete: false,
                });
            payload.docs.extend(nested.docs.iter().cloned());
            for field in ["release", "optional"] {
                let Some(span) = fields.span_of(field) else {
                    continue;
                };
                if let Some(first) = field_spans.insert((name.name.clone(), field), span) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0308,
                            format!("field `{field}` of payload `{}` is given twice", name.name),
                            span,
                            "given again here",
                        )
                        .with_label(first, "first given here")
                        .with_help("blocks of the same payload are merged; give each field once"),
                    );
                }
            }
            if let Some(release) = spanned_string(&fields, "release", diags) {
                payload.release = Some(release);
            }
            if let Some(value) = fields.value("optional") {
                payload.optional = keep(values::boolean("optional", value), diags).unwrap_or(false);
            }
            let lowered = self.lowered.borrow_mut().remove(&nested.span);
            if let Some(lines) = lowered {
                // Lowered early: moved, not copied, when the payload has a
                // single block.
                if payload.iovs.is_empty() {
                    payload.iovs = lines;
                } else {
                    payload.iovs.reserve_exact(lines.len());
                    payload.iovs.extend(lines);
                }
            } else {
                let lines = nested.body.entries.iter().filter_map(|e| match e {
                    ast::Entry::Iov(line) => Some(line),
                    _ => None,
                });
                // Reserve exactly: a tag may hold a million lines, and
                // doubling growth would leave a quarter of that memory unused.
                payload.iovs.reserve_exact(lines.clone().count());
                payload
                    .iovs
                    .extend(lines.map(|line| iov_entry(line, false)));
            }
        }
        for item in body {
            let ast::Entry::Import(import) = item else {
                continue;
            };
            let Some(import) = self.project.imports.get(&import.path.span) else {
                continue;
            };
            let imported = &import.entries;
            // Within one file an exact repeat of payload and IoV keeps the later line.
            let mut latest: BTreeMap<(String, String), usize> = BTreeMap::new();
            for (i, e) in imported.iter().enumerate() {
                latest.insert(
                    (
                        e.payload.name.clone(),
                        format!("{:?}", values::line_iov(&e.line.iov())),
                    ),
                    i,
                );
            }
            for (i, e) in imported.iter().enumerate() {
                let key = (
                    e.payload.name.clone(),
                    format!("{:?}", values::line_iov(&e.line.iov())),
                );
                if latest.get(&key) != Some(&i) {
                    continue;
                }
                let payload = payloads
                    .entry(e.payload.name.clone())
                    .or_insert_with(|| Payload {
                        name: Name {
                            text: e.payload.name.clone(),
                            span: e.payload.span,
                        },
                        docs: Vec::new(),
                        release: None,
                        optional: false,
                        iovs: Vec::new(),
                        incomplete: false,
                    });
                payload.iovs.push(iov_entry(&e.line, true));
                payload.incomplete |= !import.complete;
            }
        }
        payloads
            .into_values()
            .map(|mut p| {
                p.iovs.shrink_to_fit();
                p
            })
            .collect()
    }

    fn calibration(
        &self,
        entry: &Entry,
        fields: &Fields,
        diags: &mut Vec<Diagnostic>,
    ) -> Calibration {
        let produces: Vec<Name> = fields
            .value("produces")
            .and_then(|v| list("produces", v, diags))
            .unwrap_or_default()
            .iter()
            .filter_map(|v| match &v.kind {
                ValueKind::Path(parts) if parts.len() == 1 => Some(Name {
                    text: parts[0].name.clone(),
                    span: v.span,
                }),
                ValueKind::Error => None,
                _ => {
                    diags.push(wrong_type("produces", "a payload name", v));
                    None
                }
            })
            .collect();
        let into = fields
            .value("into")
            .and_then(|v| self.reference("into", v, &[ItemKind::GlobalTag], diags))
            .map(|s| Spanned::new(TagId(s.value), s.span));
        if !produces.is_empty() && fields.value("into").is_none() {
            diags.push(
                Diagnostic::new(
                    Code::E0302,
                    format!(
                        "calibration `{}` produces payloads but has no field `into`",
                        entry.name.text
                    ),
                    entry.name.span,
                    "needs `into`",
                )
                .with_label(
                    fields.span_of("produces").unwrap_or(entry.name.span),
                    "payloads produced here",
                )
                .with_help("add `into = TAG`, the global tag receiving the payloads"),
            );
        }
        Calibration {
            name: entry.name.clone(),
            docs: entry.item.docs.clone(),
            after: self.after(fields, diags),
            produces,
            into,
            input: fields
                .value("input")
                .and_then(|v| self.reference("input", v, &[ItemKind::Processing], diags))
                .map(|s| Spanned::new(ProcessingId(s.value), s.span)),
            duration_hours: fields
                .value("duration")
                .and_then(|v| keep(values::duration_hours("duration", v), diags)),
            owner: string(fields, "owner", diags),
            description: string(fields, "description", diags),
        }
    }

    fn processing(
        &self,
        entry: &Entry,
        fields: &Fields,
        diags: &mut Vec<Diagnostic>,
    ) -> Processing {
        let mut runs = Vec::new();
        if let Some(map) = fields.map("runs") {
            for field in &map.fields {
                let beam = self.beam_key(field, diags);
                let ranges =
                    match values::run_ranges(&format!("runs.{}", field.name.name), &field.value) {
                        Ok(ranges) => ranges,
                        Err(errors) => {
                            diags.extend(errors);
                            Vec::new()
                        }
                    };
                if let Some(beam) = beam {
                    runs.push(BeamRuns { beam, ranges });
                }
            }
        }
        let mut luminosity = Vec::new();
        if let Some(map) = fields.map("luminosity") {
            for field in &map.fields {
                let beam = self.beam_key(field, diags);
                let lumi = keep(
                    values::luminosity_per_pb(
                        &format!("luminosity.{}", field.name.name),
                        &field.value,
                    ),
                    diags,
                );
                if let (Some(beam), Some(per_pb)) = (beam, lumi) {
                    luminosity.push(BeamLuminosity { beam, per_pb });
                }
            }
        }
        Processing {
            name: entry.name.clone(),
            docs: entry.item.docs.clone(),
            release: spanned_string(fields, "release", diags),
            globaltags: self.tag_stack(fields, diags),
            after: self.after(fields, diags),
            layout: self.layout_ref(fields, diags),
            runs,
            tiers: self
                .enum_list(fields, "tiers", "tier", diags)
                .unwrap_or_default(),
            skims: fields
                .value("skims")
                .and_then(|v| list("skims", v, diags))
                .unwrap_or_default()
                .iter()
                .filter_map(|v| self.reference("skims", v, &[ItemKind::Skim], diags))
                .map(|s| Spanned::new(SkimId(s.value), s.span))
                .collect(),
            luminosity,
            production: spanned_integer(fields, "production", diags),
            status: self.enum_or(fields, "status", "processing_status", "planned", diags),
            ticket: string(fields, "ticket", diags),
            description: string(fields, "description", diags),
        }
    }

    /// The beam named by the key of a `runs { … }` or `luminosity { … }` entry.
    fn beam_key(&self, field: &ast::Field, diags: &mut Vec<Diagnostic>) -> Option<EnumValue> {
        let key = Value {
            kind: ValueKind::Path(vec![field.name.clone()]),
            span: field.name.span,
        };
        self.enum_value("beam", &key, "beam", diags)
    }

    fn campaign(
        &self,
        entry: &Entry,
        fields: &Fields,
        body: &[ast::Entry],
        diags: &mut Vec<Diagnostic>,
    ) -> Campaign {
        let runs = if let Some(value) = fields.value("experiment") {
            keep(values::integer("experiment", value), diags)
                .map(|n| CampaignRuns::Experiment(Spanned::new(n, value.span)))
        } else if let Some(value) = fields.value("runs") {
            match values::run_ranges("runs", value) {
                Ok(ranges) => Some(CampaignRuns::Runs(ranges)),
                Err(errors) => {
                    diags.extend(errors);
                    None
                }
            }
        } else {
            None
        };
        let events_per_job = positive_count(fields, "events_per_job", 100_000, diags);
        let samples = body
            .iter()
            .filter_map(|e| match e {
                ast::Entry::Nested(n) if n.kind == NestedKind::Sample => Some(n),
                _ => None,
            })
            .map(|n| self.sample(entry, n, diags))
            .collect::<Vec<_>>();
        let mut seen: BTreeMap<&str, crate::source::Span> = BTreeMap::new();
        for sample in &samples {
            if let Some(first) = seen.insert(&sample.name.text, sample.name.span) {
                diags.push(
                    Diagnostic::new(
                        Code::E0201,
                        format!(
                            "sample `{}` is defined twice in campaign `{}`",
                            sample.name.text, entry.name.text
                        ),
                        sample.name.span,
                        "defined again here",
                    )
                    .with_label(first, "first defined here")
                    .with_help("rename one of the samples"),
                );
            }
        }
        Campaign {
            name: entry.name.clone(),
            docs: entry.item.docs.clone(),
            release: spanned_string(fields, "release", diags),
            globaltags: self.tag_stack(fields, diags),
            runs,
            beam: self.enum_field(fields, "beam", "beam", diags),
            layout: self.layout_ref(fields, diags),
            tier: self.enum_field(fields, "tier", "tier", diags),
            event_size_bytes: fields.value("event_size").and_then(|v| {
                keep(values::size_bytes("event_size", v), diags).map(|n| Spanned::new(n, v.span))
            }),
            events_per_job,
            description: string(fields, "description", diags),
            samples,
        }
    }

    fn sample(
        &self,
        campaign: &Entry,
        nested: &ast::Nested,
        diags: &mut Vec<Diagnostic>,
    ) -> Sample {
        let name = match &nested.label {
            Label::Name(ident) => Name {
                text: ident.name.clone(),
                span: ident.span,
            },
            Label::Id { value, span } => Name {
                text: value.to_string(),
                span: *span,
            },
        };
        let owner = format!(
            "sample `{}` of campaign `{}`",
            name.text, campaign.name.text
        );
        let fields = Fields::collect(
            owner,
            name.span,
            &nested.body,
            nested_fields(NestedKind::Sample),
            diags,
        );
        let productions: Vec<&ast::Nested> = nested
            .body
            .entries
            .iter()
            .filter_map(|e| match e {
                ast::Entry::Nested(n) if n.kind == NestedKind::Production => Some(&**n),
                _ => None,
            })
            .collect();
        if productions.is_empty() && !nested.body.recovered {
            diags.push(
                Diagnostic::new(
                    Code::E0302,
                    format!("sample `{}` has no production", name.text),
                    name.span,
                    "needs at least one `production ID { … }`",
                )
                .with_help("add `production 7088 { background = BGx1 }`"),
            );
        }
        let single = productions.len() == 1;
        Sample {
            event_type: fields
                .value("event_type")
                .and_then(|v| self.event_type(v, diags)),
            events: fields.value("events").and_then(|v| {
                keep(values::count("events", v), diags).map(|n| Spanned::new(n, v.span))
            }),
            priority: self.enum_or(&fields, "priority", "priority", "minor", diags),
            status: self.enum_or(&fields, "status", "sample_status", "planned", diags),
            ticket: string(&fields, "ticket", diags),
            wg: string(&fields, "wg", diags),
            size_bytes: fields.value("size").and_then(|v| {
                keep(values::size_bytes("size", v), diags).map(|n| Spanned::new(n, v.span))
            }),
            description: string(&fields, "description", diags),
            productions: productions
                .iter()
                .map(|p| self.production(&name, p, single, diags))
                .collect(),
            span: nested.span,
            docs: nested.docs.clone(),
            name,
        }
    }

    fn event_type(&self, value: &Value, diags: &mut Vec<Diagnostic>) -> Option<Spanned<EventType>> {
        match &value.kind {
            ValueKind::Int(n) => Some(Spanned::new(EventType::Number(*n), value.span)),
            ValueKind::Path(_) | ValueKind::Str(_) => self
                .enum_value("event_type", value, "generic", diags)
                .map(|g| Spanned::new(EventType::Generic(g.name), value.span)),
            ValueKind::Error => None,
            _ => {
                diags.push(wrong_type(
                    "event_type",
                    "a 10-digit event type or a generic sample name",
                    value,
                ));
                None
            }
        }
    }

    fn production(
        &self,
        sample: &Name,
        nested: &ast::Nested,
        single: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> Production {
        let (id, id_span) = match &nested.label {
            Label::Id { value, span } => (*value, *span),
            Label::Name(ident) => (0, ident.span),
        };
        let owner = format!("production {id} of sample `{}`", sample.text);
        let fields = Fields::collect(
            owner,
            id_span,
            &nested.body,
            nested_fields(NestedKind::Production),
            diags,
        );
        let fraction = match fields.value("fraction") {
            Some(v) => {
                keep(values::number("fraction", v), diags).map(|d| Spanned::new(d.to_f64(), v.span))
            }
            None if single => Some(Spanned::new(1.0, id_span)),
            None => {
                diags.push(
                    Diagnostic::new(
                        Code::E0302,
                        format!(
                            "production {id} of sample `{}` is missing the field `fraction`",
                            sample.text
                        ),
                        id_span,
                        "needs `fraction`",
                    )
                    .with_help(
                        "a sample with several productions gives each its share: `fraction = 0.2`",
                    ),
                );
                None
            }
        };
        Production {
            id: Spanned::new(id, id_span),
            docs: nested.docs.clone(),
            background: self.enum_field(&fields, "background", "background", diags),
            fraction: fraction.unwrap_or(Spanned::new(f64::NAN, id_span)),
            fraction_text: fields.value("fraction").map(|v| match &v.kind {
                ValueKind::Float(t) => t.clone(),
                ValueKind::Int(n) => n.to_string(),
                _ => String::new(),
            }),
        }
    }

    fn skim(&self, entry: &Entry, fields: &Fields, diags: &mut Vec<Diagnostic>) -> Skim {
        let kind = self.enum_or(fields, "kind", "skim_kind", "hlt", diags);
        let default_tiers: &[&str] = match kind.name.as_str() {
            "physics" => &["udst"],
            "calibration" => &["cdst"],
            _ => &["cdst", "mdst"],
        };
        let tiers = self
            .enum_list(fields, "tiers", "tier", diags)
            .unwrap_or_else(|| {
                default_tiers
                    .iter()
                    .map(|t| self.default_enum("tier", t))
                    .collect()
            });
        Skim {
            name: entry.name.clone(),
            docs: entry.item.docs.clone(),
            kind,
            code: spanned_integer(fields, "code", diags),
            wg: string(fields, "wg", diags),
            tiers,
            is_std: entry.is_std,
        }
    }

    fn layout(&self, entry: &Entry, fields: &Fields, diags: &mut Vec<Diagnostic>) -> Layout {
        Layout {
            name: entry.name.clone(),
            docs: entry.item.docs.clone(),
            path: spanned_string(fields, "path", diags),
            skim_path: spanned_string(fields, "skim_path", diags),
            files_per_block: positive_count(fields, "files_per_block", 1000, diags),
            is_std: entry.is_std,
        }
    }
}

// ---------------------------------------------------------------- helpers

fn list<'v>(field: &str, value: &'v Value, diags: &mut Vec<Diagnostic>) -> Option<&'v [Value]> {
    match &value.kind {
        ValueKind::List(items) => Some(items),
        ValueKind::Error => None,
        _ => {
            let diag =
                wrong_type(field, "a list", value).with_help(format!("write `{field} = [ … ]`"));
            diags.push(diag);
            None
        }
    }
}

/// The description of a tag, which `upload.sh` passes to `b2conditionsdb
/// tag create` as one argument (its doc comments stand in for a missing
/// one). Linux refuses a single argument of 128 KiB or more ("argument list
/// too long"), so a longer text is E0310 rather than a script that fails.
fn tag_description(entry: &Entry, fields: &Fields, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let description = spanned_string(fields, "description", diags);
    let (len, span, what) = match &description {
        Some(d) => (d.value.len(), d.span, "`description`"),
        None => {
            let docs = &entry.item.docs;
            let joined = docs.iter().map(String::len).sum::<usize>() + docs.len().saturating_sub(1);
            (
                joined,
                entry.item.name.span,
                "the doc comments standing for `description`",
            )
        }
    };
    if len > values::MAX_ARGUMENT_BYTES {
        diags.push(
            Diagnostic::new(
                Code::E0310,
                format!(
                    "the description of globaltag `{}` has {len} bytes, more than the {} a command-line argument of `upload.sh` may have",
                    entry.name.text, values::MAX_ARGUMENT_BYTES
                ),
                span,
                format!("{what} too long"),
            )
            .with_help("shorten the description to a summary and link the details (a ticket, a page); it is passed to `b2conditionsdb tag create`"),
        );
    }
    description.map(|d| d.value)
}

fn string(fields: &Fields, field: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    spanned_string(fields, field, diags).map(|s| s.value)
}

fn spanned_string(
    fields: &Fields,
    field: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Spanned<String>> {
    let value = fields.value(field)?;
    if value.kind == ValueKind::Error {
        return None;
    }
    keep(values::string(field, value), diags).map(|s| Spanned::new(s, value.span))
}

fn spanned_integer(
    fields: &Fields,
    field: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Spanned<u64>> {
    let value = fields.value(field)?;
    if value.kind == ValueKind::Error {
        return None;
    }
    keep(values::integer(field, value), diags).map(|n| Spanned::new(n, value.span))
}

/// A count of at least 1 (a divisor later), or its default.
fn positive_count(fields: &Fields, field: &str, default: u64, diags: &mut Vec<Diagnostic>) -> u64 {
    let Some(value) = fields.value(field) else {
        return default;
    };
    match keep(values::count(field, value), diags) {
        Some(0) => {
            diags.push(
                Diagnostic::new(
                    Code::E0303,
                    format!("`{field}` must be at least 1"),
                    value.span,
                    "zero",
                )
                .with_help(format!("the default is {default}")),
            );
            default
        }
        Some(n) => n,
        None => default,
    }
}

pub(super) fn iov_entry(line: &ast::IovLine, imported: bool) -> IovEntry {
    IovEntry::new(
        values::line_iov(&line.iov()),
        values::revision(&line.rev),
        imported,
        line.span,
    )
}
