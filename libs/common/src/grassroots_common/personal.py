"""Personal data in events, sealed with a key per person and erased by deleting that key (PIPL).

An event contract marks the fields that name a person with the id field of that person:
``person_name: Annotated[Name, Of("person_id")]``, or ``Of(ACTOR)`` for the name of whoever did it
(the actor of the event's metadata). The event store seals those fields, and the ``actor_name`` of
every event's metadata, before it appends: AES-GCM with the person's key, the person's id as the
associated data. A sealed value is text no one can type (the boundary refuses control characters):

    "\\x1e" + person_id + "\\x1f" + base64url(nonce ‖ ciphertext ‖ tag)

so a reader recognizes it whatever shape an upcaster gave the event since, and a stream relayed to
NATS carries only sealed values. Reading opens them from a process-wide cache of keys filled by the
``grassroots_common.keystore``: the store does it itself, a consumer of NATS asks ``keystore.prepare`` for a batch
before it decodes. The keys live apart from the events, in their own database
(``keys_database_url``, by default ``grassroots_keys`` on the same server).

Erasing a person deletes the key (``keystore.Keystore.erase``). The events stay and still load, replays and
rebuilds still work: every sealed value of that person reads as ``ERASED`` ("已删除"). Free text
(a log, a comment) is the work itself and is not sealed; only the fields that name a person are.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

ERASED = "已删除"
"""What a person's erased name reads as, everywhere."""

ACTOR = "@actor"
"""``Of(ACTOR)``: the field names whoever did it (``metadata.actor_id``)."""

SEAL = "\x1e"
"""The mark of a sealed text that reads as ``ERASED`` once erased."""
SEAL_NULL = "\x1c"
"""The mark of a sealed value that reads as null once erased (a birth date, an ID digest)."""
_MARKS = (SEAL, SEAL_NULL)
_SEP = "\x1f"
_SEALED_JSON = (b"\\u001e", b"\\u001c")  # how JSON (orjson, PostgreSQL) writes the marks
_SEALED_PREFIX = b"\\u001"
_SUBJECT_IN_JSON = re.compile(rb"\\u001[ec](.*?)\\u001f")


@dataclass(frozen=True, slots=True)
class Of:
    """Marks a contract field as naming a person: ``subject`` is the sibling field holding that
    person's id, or ``ACTOR``. ``erased``: what it reads as once erased ("已删除", or null for an
    optional value that is not a name)."""

    subject: str
    erased: str | None = ERASED


class KeyMissing(LookupError):
    """A sealed value of a person whose key this process has not fetched: fetch, then read again."""

    def __init__(self, subject: str) -> None:
        super().__init__(f"no key fetched for {subject}")
        self.subject = subject


# --- the fields that name a person ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    fields: tuple[tuple[str, str, str], ...]  # (field, subject field or ACTOR, mark)
    nested: tuple[tuple[str, _Spec], ...]  # (field holding a model or a list of models, its spec)

    def __bool__(self) -> bool:
        return bool(self.fields or self.nested)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None:
        return []
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    found: list[type[BaseModel]] = []
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found += _models_in(arg)
    return found


@functools.cache
def spec_of(model: type[BaseModel]) -> _Spec:
    """The fields of ``model`` (and of the models it holds) that name a person."""
    fields: list[tuple[str, str, str]] = []
    nested: list[tuple[str, _Spec]] = []
    for name, info in model.model_fields.items():
        for mark in info.metadata:
            if isinstance(mark, Of):
                if mark.subject != ACTOR and mark.subject not in model.model_fields:
                    raise TypeError(f"{model.__name__}.{name}: Of({mark.subject!r}) names no field")
                fields.append((name, mark.subject, SEAL if mark.erased is not None else SEAL_NULL))
        for inner in _models_in(info.annotation):
            inner_spec = spec_of(inner)
            if inner_spec:
                nested.append((name, inner_spec))
    return _Spec(tuple(fields), tuple(nested))


def personal_fields(model: type[BaseModel]) -> list[str]:
    """The dotted names of the fields that name a person (for documentation and tests)."""

    def walk(spec: _Spec, prefix: str) -> list[str]:
        out = [prefix + f for f, _, _ in spec.fields]
        for f, inner in spec.nested:
            out += walk(inner, f"{prefix}{f}[].")
        return out

    return walk(spec_of(model), "")


# --- sealing and opening ------------------------------------------------------------------------


_KEYS: dict[str, bytes | None] = {}
"""The keys this process has fetched, by person id; ``None`` for an erased person."""


def _seal(value: str, subject: str, key: bytes | None, mark: str = SEAL) -> str:
    if key is None:  # erased: the value is not written again
        return mark + subject + _SEP
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), subject.encode())
    return mark + subject + _SEP + base64.urlsafe_b64encode(nonce + sealed).decode()


def open_value(value: str) -> str | None:
    """The text of a sealed value (``ERASED``, or None, once its person is erased); KeyMissing if
    this process has not fetched the key."""
    subject, _, body = value[1:].partition(_SEP)
    try:
        key = _KEYS[subject]
    except KeyError:
        raise KeyMissing(subject) from None
    erased = ERASED if value[0] == SEAL else None
    if key is None or not body:
        return erased
    raw = base64.urlsafe_b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], subject.encode()).decode()
    except InvalidTag:  # sealed with a key since replaced: unreadable, as erased
        return erased


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_MARKS)


def subjects_to_seal(model: BaseModel, actor_id: str) -> set[str]:
    """The persons whose keys sealing ``model`` needs."""
    found: set[str] = set()

    def walk(obj: Any, spec: _Spec) -> None:
        for f, subject, _ in spec.fields:
            if getattr(obj, f, None) not in (None, ""):
                found.add(actor_id if subject == ACTOR else str(getattr(obj, subject)))
        for f, inner in spec.nested:
            value = getattr(obj, f, None)
            for item in value if isinstance(value, list | tuple) else (value,):
                if item is not None:
                    walk(item, inner)

    walk(model, spec_of(type(model)))
    found.discard("")
    return found


def seal_data(data: dict[str, Any], spec: _Spec, actor_id: str) -> dict[str, Any]:
    """``data`` (an event's JSON object) with its persons' names sealed; keys must be fetched."""

    def walk(obj: dict[str, Any], spec: _Spec) -> None:
        for f, subject, mark in spec.fields:
            value = obj.get(f)
            if isinstance(value, str) and value:
                person = actor_id if subject == ACTOR else str(obj.get(subject) or "")
                if person in _KEYS and not value.startswith(_MARKS):
                    obj[f] = _seal(value, person, _KEYS[person], mark)
        for f, inner in spec.nested:
            value = obj.get(f)
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict):
                    walk(item, inner)

    walk(data, spec)
    return data


def seal_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    name, actor = metadata.get("actor_name"), metadata.get("actor_id")
    if isinstance(name, str) and name and not name.startswith(SEAL) and actor and actor in _KEYS:
        return {**metadata, "actor_name": _seal(name, actor, _KEYS[actor])}
    return metadata


def open_data(value: Any) -> Any:
    """``value`` with every sealed text in it opened (in place for dicts and lists)."""
    if isinstance(value, str):
        return open_value(value) if value.startswith(_MARKS) else value
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str):
                if v.startswith(_MARKS):
                    value[k] = open_value(v)
            elif isinstance(v, dict | list):
                open_data(v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str):
                if v.startswith(_MARKS):
                    value[i] = open_value(v)
            elif isinstance(v, dict | list):
                open_data(v)
    return value


def open_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    name = metadata.get("actor_name")
    if isinstance(name, str) and name.startswith(SEAL):
        metadata["actor_name"] = open_value(name)
    return metadata


def sealed_in_json(raw: bytes) -> bool:
    # Both marks start alike, and text holds no other control character (``fields``): one search
    # of every event read answers nearly always, the second only where a mark may be.
    return _SEALED_PREFIX in raw and (_SEALED_JSON[0] in raw or _SEALED_JSON[1] in raw)


def subjects_in(value: Any) -> set[str]:
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, str):
            if v.startswith(_MARKS):
                found.add(v[1:].partition(_SEP)[0])
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(value)
    return found


def subjects_in_json(raw: bytes) -> set[str]:
    """The persons whose sealed values a JSON text holds, found without decoding it."""
    return {m.decode() for m in _SUBJECT_IN_JSON.findall(raw)} if sealed_in_json(raw) else set()


def has_key(subject: str) -> bool:
    """Whether this process holds ``subject``'s key (or knows them erased)."""
    return subject in _KEYS


def remember(keys: dict[str, bytes | None]) -> None:
    """Keys fetched from the keystore (``None``: erased), for this process."""
    _KEYS.update(keys)


def forget(subject: str) -> None:
    """Take an erased person's key out of this process (the next fetch finds it erased)."""
    _KEYS[subject] = None


# --- what the store calls -----------------------------------------------------------------------


def sealed_json(event: BaseModel, text: str, actor_id: str) -> str:
    """``text`` (the event's stored JSON, checked by ``stored_json``) with its persons' names
    sealed; the keys must be in the cache (``keystore.Keystore.ensure``)."""
    spec = spec_of(type(event))
    if not spec:
        return text
    return orjson.dumps(seal_data(orjson.loads(text), spec, actor_id)).decode()


NOT_A_PERSON = frozenset({"", "system"})
"""Actor ids of no one (the platform's own schedulers): nothing of theirs is sealed."""


def subjects_of(events: Iterable[BaseModel], actor_id: str, actor_named: bool) -> set[str]:
    found = {actor_id} if actor_named else set()
    for e in events:
        if spec_of(type(e)):
            found |= subjects_to_seal(e, actor_id)
    return found - NOT_A_PERSON


def _open_spec(obj: dict[str, Any], spec: _Spec) -> None:
    for f, _, _ in spec.fields:
        v = obj.get(f)
        if v.__class__ is str and v.startswith(_MARKS):
            obj[f] = open_value(v)
    for f, inner in spec.nested:
        v = obj.get(f)
        for item in v if isinstance(v, list) else (v,):
            if isinstance(item, dict):
                _open_spec(item, inner)


def open_stored(data: dict[str, Any], event_class: type[BaseModel] | None, schema_version: int) -> dict[str, Any]:
    """An event's stored data with the persons it names opened (in place): the fields its class
    marks, for data of the class's own shape; every value, for an older shape or an unknown type."""
    if event_class is None or schema_version != event_class.schema_version:  # type: ignore[attr-defined]
        return open_data(data)
    spec = spec_of(event_class)
    if spec:
        _open_spec(data, spec)
    return data


def sealed_envelope(event: Any, event_class: type[BaseModel] | None) -> str:
    """A read event's JSON envelope with its persons' names sealed again (for a copy kept outside
    the store, such as a parked event): what it opened is not written down in the clear."""
    body = orjson.loads(event.to_json())
    actor = str(body["metadata"].get("actor_id", ""))
    if event_class is not None and (spec := spec_of(event_class)):
        seal_data(body["data"], spec, actor)
    body["metadata"] = seal_metadata(body["metadata"])
    return orjson.dumps(body).decode()
