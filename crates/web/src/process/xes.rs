//! IEEE 1849-2016 XES: the event log as process-mining tools read it, with
//! the concept, time, lifecycle and organizational extensions, written as
//! it is read (a page of cases at a time).

use std::io::Write;

use baladiya_app::process::{Case, ReportCase};
use baladiya_domain::process::LogEvent;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};

/// Writes one XES log, a trace per [`Case`].
pub struct XesWriter<W: Write> {
    xml: Writer<W>,
}

impl<W: Write> std::fmt::Debug for XesWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("XesWriter")
    }
}

const EXTENSIONS: [(&str, &str); 4] = [
    ("Concept", "concept"),
    ("Time", "time"),
    ("Lifecycle", "lifecycle"),
    ("Organizational", "org"),
];

impl<W: Write> XesWriter<W> {
    /// Starts the log named `name`.
    pub fn new(out: W, name: &str) -> std::io::Result<Self> {
        let mut xml = Writer::new_with_indent(out, b' ', 1);
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut log = BytesStart::new("log");
        log.push_attribute(("xes.version", "1849-2016"));
        log.push_attribute(("xes.features", ""));
        log.push_attribute(("xmlns", "http://www.xes-standard.org/"));
        xml.write_event(Event::Start(log))?;
        for (name, prefix) in EXTENSIONS {
            let mut extension = BytesStart::new("extension");
            extension.push_attribute(("name", name));
            extension.push_attribute(("prefix", prefix));
            let uri = format!("http://www.xes-standard.org/{prefix}.xesext");
            extension.push_attribute(("uri", uri.as_str()));
            xml.write_event(Event::Empty(extension))?;
        }
        let mut writer = Self { xml };
        writer.open("global", &[("scope", "trace")])?;
        writer.attribute("string", "concept:name", "__INVALID__")?;
        writer.close("global")?;
        writer.open("global", &[("scope", "event")])?;
        writer.attribute("string", "concept:name", "__INVALID__")?;
        writer.attribute("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")?;
        writer.attribute("string", "lifecycle:transition", "complete")?;
        writer.close("global")?;
        for (name, keys) in [
            ("Activity", "concept:name"),
            (
                "Activity and transition",
                "concept:name lifecycle:transition",
            ),
        ] {
            let mut classifier = BytesStart::new("classifier");
            classifier.push_attribute(("name", name));
            classifier.push_attribute(("keys", keys));
            writer.xml.write_event(Event::Empty(classifier))?;
        }
        writer.attribute("string", "concept:name", name)?;
        Ok(writer)
    }

    /// What was written so far (to take it away a page at a time).
    pub fn buffer(&mut self) -> &mut W {
        self.xml.get_mut()
    }

    /// Writes one case as a trace.
    pub fn case(&mut self, case: &Case) -> std::io::Result<()> {
        self.open("trace", &[])?;
        self.attribute("string", "concept:name", &case.tracking_number)?;
        self.attribute("string", "service", &case.service_code)?;
        self.attribute("int", "service_version", &case.service_version.to_string())?;
        self.attribute("string", "unit", &case.unit_code)?;
        self.attribute("string", "channel", &case.channel)?;
        if let Some(fee) = case.fee_minor {
            self.attribute("float", "fee", &format!("{}.{:02}", fee / 100, fee % 100))?;
            self.attribute("string", "currency", &case.currency)?;
        }
        self.attribute("string", "outcome", &case.outcome)?;
        self.events(&case.events)?;
        self.close("trace")
    }

    /// Writes one citizen report as a trace.
    pub fn report(&mut self, case: &ReportCase) -> std::io::Result<()> {
        self.open("trace", &[])?;
        self.attribute("string", "concept:name", &format!("report-{}", case.id))?;
        self.attribute("string", "category", &case.category)?;
        self.attribute("string", "unit", &case.unit_code)?;
        self.attribute("string", "department", &case.department)?;
        self.attribute("string", "channel", &case.channel)?;
        self.attribute("string", "outcome", &case.outcome)?;
        self.events(&case.events)?;
        self.close("trace")
    }

    fn events(&mut self, events: &[LogEvent]) -> std::io::Result<()> {
        for event in events {
            self.open("event", &[])?;
            self.attribute("string", "concept:name", &event.activity)?;
            self.attribute("string", "lifecycle:transition", event.lifecycle.as_str())?;
            let at = event.at.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string();
            self.attribute("date", "time:timestamp", &at)?;
            self.attribute("string", "org:resource", &event.resource)?;
            self.attribute("string", "org:role", &event.role)?;
            self.close("event")?;
        }
        Ok(())
    }

    /// Ends the log; returns the output.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.close("log")?;
        let mut out = self.xml.into_inner();
        out.write_all(b"\n")?;
        Ok(out)
    }

    fn open(&mut self, tag: &str, attributes: &[(&str, &str)]) -> std::io::Result<()> {
        let mut start = BytesStart::new(tag);
        for attribute in attributes {
            start.push_attribute(*attribute);
        }
        self.xml.write_event(Event::Start(start))
    }

    fn close(&mut self, tag: &str) -> std::io::Result<()> {
        self.xml.write_event(Event::End(BytesEnd::new(tag)))
    }

    fn attribute(&mut self, kind: &str, key: &str, value: &str) -> std::io::Result<()> {
        let mut element = BytesStart::new(kind);
        element.push_attribute(("key", key));
        element.push_attribute(("value", value));
        self.xml.write_event(Event::Empty(element))
    }
}
