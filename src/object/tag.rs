//! Annotated tag objects: `object`, `type`, `tag`, optional `tagger`, message.

use super::{Headers, ObjectKind, ParseError};
use crate::oid::ObjectId;

/// A parsed annotated tag, borrowing text from the object's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag<'a> {
    /// The tagged object.
    pub object: ObjectId,
    /// The kind the tag claims its object has.
    pub target_kind: ObjectKind,
    /// The tag's name.
    pub name: &'a [u8],
    /// The raw `tagger` value; old tags have none.
    pub tagger: Option<&'a [u8]>,
    /// The message (and any signature), after the blank line.
    pub message: &'a [u8],
}

impl<'a> Tag<'a> {
    /// Parses a tag's contents; `object`, `type` and `tag` are required, in that order.
    pub fn parse(data: &'a [u8]) -> Result<Tag<'a>, ParseError> {
        let mut headers = Headers::new(data);
        let (k, v) = headers.next().ok_or(ParseError::Tag("empty tag"))?;
        if k != b"object" {
            return Err(ParseError::Tag("first header is not object"));
        }
        let object = ObjectId::from_hex(v).map_err(|_| ParseError::Tag("bad object id"))?;
        let (k, v) = headers.next().ok_or(ParseError::Tag("missing type"))?;
        if k != b"type" {
            return Err(ParseError::Tag("second header is not type"));
        }
        let target_kind = ObjectKind::from_name(v).ok_or(ParseError::Tag("unknown type"))?;
        let (k, name) = headers.next().ok_or(ParseError::Tag("missing tag name"))?;
        if k != b"tag" {
            return Err(ParseError::Tag("third header is not tag"));
        }
        let mut tagger = None;
        for (k, v) in headers.by_ref() {
            if k == b"tagger" && tagger.is_none() {
                tagger = Some(v);
            }
        }
        Ok(Tag {
            object,
            target_kind,
            name,
            tagger,
            message: &data[headers.body_start()..],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tag_without_tagger() {
        let t = Tag::parse(
            b"object ce013625030ba8dba906f756967f9e9ca394464a\ntype blob\ntag v1\n\nold tag\n",
        )
        .unwrap();
        assert_eq!(t.target_kind, ObjectKind::Blob);
        assert_eq!(t.name, b"v1");
        assert_eq!(t.tagger, None);
        assert_eq!(t.message, b"old tag\n");
    }

    #[test]
    fn rejects_tag_with_bad_type() {
        assert!(Tag::parse(b"object ce013625030ba8dba906f756967f9e9ca394464a\ntype nope\ntag v\n\n").is_err());
    }
}
