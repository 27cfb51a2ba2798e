//! Resource paths: `Things`, `Things(1)`, `Things(1)/Datastreams`,
//! `Datastreams(3)/Observations(9)`, `Things(1)/name`,
//! `Things(1)/name/$value`, `Things(1)/Locations/$ref`.

use super::StaError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    pub id: Option<i64>,
}

/// What follows the entities of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tail {
    None,
    /// One property of the entity (`…/name`), or its raw value (`…/$value`).
    Property {
        name: String,
        raw: bool,
    },
    /// The addresses of the entities, not the entities (`…/$ref`).
    Ref,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePath {
    pub segments: Vec<Segment>,
    pub tail: Tail,
}

impl ResourcePath {
    pub fn parse(text: &str) -> Result<ResourcePath, StaError> {
        let mut segments = Vec::new();
        let mut tail = Tail::None;
        let parts: Vec<&str> = text.split('/').filter(|p| !p.is_empty()).collect();
        let mut i = 0;
        while i < parts.len() {
            let part = parts[i];
            if part == "$ref" {
                tail = Tail::Ref;
                i += 1;
                break;
            }
            let (name, id) = match part.split_once('(') {
                Some((name, rest)) => {
                    let inner = rest
                        .strip_suffix(')')
                        .ok_or_else(|| StaError::bad(format!("{part}: a ( without its )")))?;
                    let id = inner.trim_matches('\'').parse::<i64>().map_err(|_| {
                        StaError::not_found(format!("{part}: no entity has this id"))
                    })?;
                    (name, Some(id))
                }
                None => (part, None),
            };
            let first_letter_upper = name.chars().next().is_some_and(char::is_uppercase);
            if !first_letter_upper && !segments.is_empty() {
                // A property of the entity before it.
                let raw = parts.get(i + 1) == Some(&"$value");
                tail = Tail::Property {
                    name: name.to_owned(),
                    raw,
                };
                i += if raw { 2 } else { 1 };
                break;
            }
            segments.push(Segment {
                name: name.to_owned(),
                id,
            });
            i += 1;
        }
        if i < parts.len() || segments.is_empty() {
            return Err(StaError::not_found(format!("{text}: no such resource")));
        }
        Ok(ResourcePath { segments, tail })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(name: &str, id: Option<i64>) -> Segment {
        Segment {
            name: name.into(),
            id,
        }
    }

    #[test]
    fn paths_of_the_specification() {
        let p = ResourcePath::parse("Things(1)/Datastreams").expect("path");
        assert_eq!(
            p.segments,
            vec![seg("Things", Some(1)), seg("Datastreams", None)]
        );
        assert_eq!(p.tail, Tail::None);
        let p = ResourcePath::parse("Things(1)/name/$value").expect("path");
        assert_eq!(
            p.tail,
            Tail::Property {
                name: "name".into(),
                raw: true
            }
        );
        let p = ResourcePath::parse("Things(1)/Locations/$ref").expect("path");
        assert_eq!(p.tail, Tail::Ref);
        assert!(ResourcePath::parse("Things(x)").is_err());
        assert!(ResourcePath::parse("Things(1)/name/extra").is_err());
        assert!(ResourcePath::parse("").is_err());
    }
}
